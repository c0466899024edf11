"""Run the kzgraph command line: ``python -m kzgraph``."""

from kzgraph.cli import main

if __name__ == "__main__":
    main(prog_name="kzgraph")
