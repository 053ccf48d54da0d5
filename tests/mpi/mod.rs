//! Domain decomposition under `mpirun` (feature `mpi`): the communicator self-test and whole
//! runs whose bits do not depend on the rank grid.
mod comm_check;
mod runs;
mod stop;
