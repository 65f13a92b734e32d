/// An error that every rank raises at the same point, decided from values all ranks share (an
/// all-reduced loss or gradient norm), so the ranks can stop together and finalize MPI instead of
/// aborting the job. Anything else thrown on one rank must abort all of them.
public protocol CollectiveError: Error {}
