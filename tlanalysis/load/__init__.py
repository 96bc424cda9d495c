"""Stage 1, load: read survey exports as analysts have them (text cells, any layout through a
mapping file, columns joined from a second file)."""
