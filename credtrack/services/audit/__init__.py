"""The audit trail: the hash-chained log (``log``), the state of records it vouches for (``record_state``),
signed checkpoints (``checkpoints``), the checks of the chain and the records against it (``check``,
``record_check``), and what auditors read and take away (``queries``, ``export``)."""
