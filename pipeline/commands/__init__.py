"""The `filmbuzz` sub-commands, grouped; `pipeline.cli` wires them to the argument parser."""
