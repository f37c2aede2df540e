"""Serializers of the courseware API: output shapes and strict input bodies, one module per area."""
