# Missions, deployment profiles and rosters come with the readiness work; the app is wired now
# so that its URLs and tests have a home.
