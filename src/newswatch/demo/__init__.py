"""The bundled sample news site used by ``newswatch demo`` and the tests."""
