"""Full screens: one file per screen."""
