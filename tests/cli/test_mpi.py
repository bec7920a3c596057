"""MPI runs (mpirun -np K reerisk run ...) give the single-process result bit for bit, and a
failing rank ends the job with its message and no output file. Skipped when reerisk was built
without MPI or mpirun is missing."""
import os
import shutil
import subprocess
import tempfile
import unittest

from test_cli import BIN, SRC, assert_same_results, reerisk

SWEEP = os.path.join(SRC, "configs", "sweep-stockpile.toml")
# CI runs as root; Open MPI refuses that unless told it is intended.
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


def mpirun(k, *args, env=ENV):
    return subprocess.run(["mpirun", "-np", str(k), "--oversubscribe", BIN, *args],
                          capture_output=True, text=True, timeout=600, env=env)


@unittest.skipUnless(shutil.which("mpirun"), "mpirun not installed")
class MpiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if ", MPI" not in reerisk("--version").stdout:
            raise unittest.SkipTest("reerisk built without MPI")

    def test_k_ranks_equal_one_process_bit_for_bit(self):
        with tempfile.TemporaryDirectory() as d:
            single = os.path.join(d, "single.h5")
            r = reerisk("run", SWEEP, "--paths", "301", "--threads", "1", "-o", single, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            for k in (1, 2, 3):
                with self.subTest(ranks=k):
                    out = os.path.join(d, f"mpi{k}.h5")
                    r = mpirun(k, "run", SWEEP, "--paths", "301", "--threads", "1", "-o", out, "-q")
                    self.assertEqual(r.returncode, 0, r.stderr)
                    assert_same_results(self, single, out)

    def test_ranks_splitting_one_points_paths_equal_one_process(self):
        # One point and two ranks: each rank runs half of the paths.
        baseline = os.path.join(SRC, "configs", "baseline.toml")
        with tempfile.TemporaryDirectory() as d:
            single = os.path.join(d, "single.h5")
            r = reerisk("run", baseline, "--paths", "501", "--threads", "1", "-o", single, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            out = os.path.join(d, "mpi.h5")
            r = mpirun(2, "run", baseline, "--paths", "501", "--threads", "1", "-o", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("splitting each point's paths", r.stdout)
            assert_same_results(self, single, out)

    def test_weighted_tallies_of_ranks_equal_one_process(self):
        # Importance sampling's weights are integer limb tallies (docs/model.md §10).
        rare = os.path.join(SRC, "tools", "bench", "rare_event_closed_form.toml")
        with tempfile.TemporaryDirectory() as d:
            single = os.path.join(d, "single.h5")
            r = reerisk("run", rare, "--paths", "1001", "--threads", "1", "-o", single, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            out = os.path.join(d, "mpi.h5")
            r = mpirun(3, "run", rare, "--paths", "1001", "--threads", "1", "-o", out, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            assert_same_results(self, single, out)

    def test_a_failing_rank_fails_the_job_with_its_message_and_no_file(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "r.h5")
            env = dict(ENV, REERISK_TEST_FAIL_RANK="1")
            r = mpirun(2, "run", SWEEP, "--paths", "200", "--threads", "1", "-o", out, "-q", env=env)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("[rank 1 of 2]", r.stderr)
            self.assertIn("injected failure", r.stderr)
            self.assertEqual([f for f in os.listdir(d) if not f.startswith(".")], [])


if __name__ == "__main__":
    unittest.main()
