"""bohbvis: explain a BOHB hyperparameter-optimization run as one offline, interactive slide deck.

The pipeline, one folder each: load → model → story → steps → render/export → cli.
`bohbvis.api` is the Python API the command line is built on.
"""

__version__ = "0.1.0"
