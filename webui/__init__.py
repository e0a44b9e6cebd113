"""The browser app's parts: rendering, the login wall, the handlers and the layout (``ui.py``
builds the Blocks from them and serves them)."""
