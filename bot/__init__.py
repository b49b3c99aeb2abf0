"""Interview Coach: a Slack bot that coaches job seekers through the days after an interview."""
