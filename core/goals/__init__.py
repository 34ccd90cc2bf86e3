"""Team goals: each school team's (and the community's) vision, 2 to 5 goals, check-ins and check-in prompts."""
