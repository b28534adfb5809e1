"""Hospital simulator: Kota Serang's facilities posting a realistic day of births."""
