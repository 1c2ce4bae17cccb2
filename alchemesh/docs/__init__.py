"""The static catalog site."""
