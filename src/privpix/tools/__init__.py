"""One module per tool: pure functions of input bytes and options, returning bytes and a report."""
