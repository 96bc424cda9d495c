"""Stage 3, compute: indicators as pure functions from validated frames to plain numbers."""
