print("mtrl-dist")
