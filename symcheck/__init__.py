"""symcheck: a self-hostable symptom-checker chatbot for clinics."""

__version__ = "0.1.0"
