"""YAML a person writes by hand is read within limits: size, nodes after expanding aliases, recursion."""

import pytest
import yaml

from wijkanalyse.safe_yaml import YAMLLimitError, load_yaml, load_yaml_file


def test_ordinary_yaml_with_aliases_reads_like_safe_load():
    text = "basis: &b {wijk: Noord, kind: verslag}\ndocuments:\n  - {path: a.md, <<: *b}\n  - *b\n"
    assert load_yaml(text, "m.yml") == yaml.safe_load(text)
    assert load_yaml("", "leeg.yml") is None


def test_expanded_aliases_are_counted_against_the_limit():
    # x: 1 list + 3 items = 4 nodes; y: 1 list + 3 references to x = 1 + 12 = 13; root mapping: 1 + 2 keys
    # + 4 + 13 = 20 nodes in all
    text = "x: &x [1, 2, 3]\ny: [*x, *x, *x]\n"
    assert load_yaml(text, "t.yml", max_nodes=20) == {"x": [1, 2, 3], "y": [[1, 2, 3]] * 3}
    with pytest.raises(YAMLLimitError, match=r"t.yml: the YAML has more than 19 nodes once its aliases"):
        load_yaml(text, "t.yml", max_nodes=19)


def test_a_recursive_alias_and_a_too_long_text_are_refused(tmp_path):
    with pytest.raises(YAMLLimitError, match=r"r.yml: an alias refers to a node that contains it"):
        load_yaml("a: &a [1, *a]\n", "r.yml")
    with pytest.raises(YAMLLimitError, match=r"g.yml: the YAML is 13 bytes, more than the limit of 12 bytes"):
        load_yaml("a: 123456789\n", "g.yml", max_bytes=12)
    path = tmp_path / "groot.yml"
    path.write_text("a: 123456789\n", encoding="utf-8")
    with pytest.raises(YAMLLimitError, match=r"groot.yml: the YAML file is 13 bytes, more than the limit"):
        load_yaml_file(path, max_bytes=12)


def test_invalid_yaml_is_still_a_yaml_error():
    with pytest.raises(yaml.YAMLError):
        load_yaml("a: [1, 2\n", "kapot.yml")
    assert issubclass(YAMLLimitError, yaml.YAMLError)
