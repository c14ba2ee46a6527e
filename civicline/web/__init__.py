"""The web kernel every HTTP channel uses."""
