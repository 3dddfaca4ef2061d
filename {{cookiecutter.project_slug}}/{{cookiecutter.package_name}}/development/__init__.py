"""Tools for a developer's machine and the test suite; nothing here runs while serving."""
