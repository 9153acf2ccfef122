"""Records of what learners did: module completions and competency sign-offs."""
