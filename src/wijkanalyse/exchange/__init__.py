"""Stage 9: exchange with other QDA software (REFI-QDA ``.qdpx`` projects and ``.qdc`` codebooks)."""
