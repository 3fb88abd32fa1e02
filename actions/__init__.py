"""Rasa custom actions: one module per feature, all driving the interview engine.

``symcheck serve-actions`` registers this package with the rasa-sdk executor, which imports
every module here and registers every concrete :class:`rasa_sdk.Action` subclass:

- :mod:`actions.interview` - ``action_interview_turn`` (every ordinary message);
- :mod:`actions.red_flags` - ``action_check_red_flags`` (emergencies);
- :mod:`actions.handoff` - ``action_request_handoff`` (the patient asks for a person);
- :mod:`actions.start_over` - ``action_start_over`` (a new assessment).

The shared behaviour is in :mod:`actions.base`; the engine comes from
:mod:`actions.engine_provider`. Nothing is loaded at import time.
"""
