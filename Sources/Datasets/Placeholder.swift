// placeholder; replaced by the \(d) work
