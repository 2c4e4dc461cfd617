"""Modal dialogs: one file per dialog."""
