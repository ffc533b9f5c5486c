"""What every slice shares: who acts (actors), the one access policy, time (clock) and domain errors."""
