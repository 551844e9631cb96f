# The catalogue, sessions, enrolment, attendance, assessments and certificates come with the
# courses and certificates work; the app is wired now so that its URLs and tests have a home.
