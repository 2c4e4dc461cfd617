"""The Textual screens. Nothing outside this package imports Textual."""
