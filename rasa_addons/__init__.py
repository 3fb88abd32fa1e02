"""Plugins loaded by the Rasa server (Python 3.10, ``.venv-rasa``) by module path.

- ``rasa_addons.channels.GatewayInput``: the token-protected REST channel for the gateway.
- ``rasa_addons.tracker_store.EncryptedSQLTrackerStore``: encrypted dialogue state.
- ``rasa_addons.logsafe.ref``: the conversation reference log lines carry instead of the id.

Run Rasa with the repository root on ``PYTHONPATH``. Nothing here imports ``symcheck``
(which needs Python 3.11).
"""
