"""Training of the PLOVER root classifier: research code, apart from the run-time coder in
:mod:`eventwire.events` (which only loads the model it writes).

* :mod:`eventwire.train.cli`: the command, ``python -m eventwire.train``;
* :mod:`eventwire.train.routes`: the seven model routes compared, their cross-validation and export;
* :mod:`eventwire.train.folds`: the cross-validation folds.

The data readers are :mod:`eventwire.evaluate.datasets`, the scores :mod:`eventwire.evaluate.metrics`.
"""
