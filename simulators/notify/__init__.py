"""Notification gateway simulator: WhatsApp/SMS messages to families, recorded for tests."""
