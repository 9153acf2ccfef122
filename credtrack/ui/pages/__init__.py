"""One module per page of the main window; ``credtrack.ui.navigation`` lists them in order."""
