"""Stage 4, protect: statistical disclosure control of every published figure (annual and
certification reports side by side), and the stored form of a protection."""
