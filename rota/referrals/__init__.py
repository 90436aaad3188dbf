"""What rota knows about referrals: when the person's care started (their first delivered visit)."""
