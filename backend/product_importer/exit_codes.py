"""Exit codes every command shares (sysexits.h): argparse's own 2 would read as the
`import` command's "cancelled"."""

EXIT_USAGE = 64  # a wrong command line
EXIT_CONFIG = 78  # a setting that is not valid
