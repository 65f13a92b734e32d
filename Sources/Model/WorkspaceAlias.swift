import Layers

/// `Layers.Workspace` (the fused kernels' scratch arena) shadows `TensorCore.Workspace` (the tape's) in this module.
typealias Workspace = Layers.Workspace
