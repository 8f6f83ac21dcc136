"""What a run shows and leaves: progress (``progress``), the before/after preview
(``preview``) and the JSON report (``report``)."""
