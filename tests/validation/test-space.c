/* test-space.c: the Space Plot's path (nrt_network_path) against NEURON 8.2.2's RangeVarPlot.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The expectations are NEURON's: tests/reference/space_paths.csv (the abscissae of
 * RangeVarPlot("v", a, b) with origin(d2root) for fifteen paths on a branching stick figure),
 * squid_axon_path.csv and stylized_cell_space.csv (the abscissae and v along a path at
 * t = 2, 3, 4 and 5 ms), all written by tests/reference/generate.py.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nrt-sim.h"
#include "nrt-cases.h"
#include "nrt-csv.h"

/* NEURON's abscissae are single precision; ours are rounded the same way. */
#define X_TOL 1e-9
#define V_TOL 1e-6

static guint
section_index (NrtModel *m, const char *name)
{
  int i = nrt_model_find_section (m, name);
  g_assert_cmpint (i, >=, 0);
  return (guint) i;
}

/* "ap[2](0.5)" → section index and x. */
static void
parse_location (NrtModel *m, const char *s, guint *sec, double *x)
{
  const char *lp = strrchr (s, '(');
  g_assert_nonnull (lp);
  g_autofree char *name = g_strndup (s, (gsize) (lp - s));
  *sec = section_index (m, name);
  *x = g_ascii_strtod (lp + 1, NULL);
}

static void
add_section (NrtModel *m, const char *name, const char *parent, double px, double L,
             double diam, int nseg)
{
  g_autoptr (GError) error = NULL;
  g_assert_cmpint (nrt_model_add_section (m, name, parent, px, L, diam, &error), >=, 0);
  g_assert_no_error (error);
  g_assert_true (nrt_model_set_section_nseg (m, name, nseg, &error));
  g_assert_no_error (error);
}

/* generate.py case_space_paths: the stick figure, nseg 3, with c at ap[0](0.3) and d at
 * ap[0](0.9). */
static NrtModel *
branching_figure (void)
{
  NrtModel *m = nrt_model_new ();
  add_section (m, "soma", NULL, 0, 20, 20, 3);
  add_section (m, "ap[0]", "soma", 1, 400, 2, 3);
  add_section (m, "ap[1]", "ap[0]", 1, 300, 1, 3);
  add_section (m, "ap[2]", "ap[0]", 1, 500, 1, 3);
  add_section (m, "bas", "soma", 0, 200, 3, 3);
  add_section (m, "axon", "soma", 0, 800, 1, 3);
  add_section (m, "c", "ap[0]", 0.3, 100, 1, 2);
  add_section (m, "d", "ap[0]", 0.9, 60, 1, 1);
  return m;
}

static void
test_path_layouts (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *file = nrt_reference_path ("space_paths.csv");
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (file, &text, NULL, &error));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "from,to,index,distance");

  g_autoptr (NrtModel) m = branching_figure ();
  g_autoptr (NrtNetwork) net = nrt_network_compile (m, &error);
  g_assert_no_error (error);

  guint i = 1, n_paths = 0;
  double worst = 0.0;
  while (lines[i] && *lines[i])
    {
      g_auto (GStrv) f = g_strsplit (lines[i], ",", -1);
      g_autofree char *from = g_strdup (f[0]), *to = g_strdup (f[1]);
      guint sa, sb;
      double xa, xb;
      parse_location (m, from, &sa, &xa);
      parse_location (m, to, &sb, &xb);
      g_autoptr (GArray) path = nrt_network_path (net, sa, xa, sb, xb, NULL, &error);
      g_assert_no_error (error);
      guint k = 0;
      for (; lines[i] && *lines[i]; i++, k++)
        {
          g_auto (GStrv) g = g_strsplit (lines[i], ",", -1);
          if (strcmp (g[0], from) != 0 || strcmp (g[1], to) != 0)
            break;
          g_assert_cmpint (atoi (g[2]), ==, (int) k);
          g_assert_cmpuint (k, <, path->len);
          double dlt = fabs (g_array_index (path, NrtPathPoint, k).distance
                             - g_ascii_strtod (g[3], NULL));
          worst = MAX (worst, dlt);
          if (dlt > X_TOL)
            g_test_message ("%s → %s point %u: %.17g, NEURON %s", from, to, k,
                            g_array_index (path, NrtPathPoint, k).distance, g[3]);
          g_assert_cmpfloat (dlt, <=, X_TOL);
        }
      g_assert_cmpuint (k, ==, path->len);
      n_paths++;
    }
  g_assert_cmpuint (n_paths, ==, 15);
  g_test_message ("%u paths: max |Δx| = %.3g µm", n_paths, worst);
}

/* Runs model to each of t = 2, 3, 4, 5 ms and compares the path's v and abscissae with
 * NAME.csv (distance, v_t2, v_t3, v_t4, v_t5). */
static void
compare_space (NrtModel *model, const char *name, const char *a, const char *b,
               double *max_x, double *max_v)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *file = nrt_reference_path (name);
  g_autoptr (NrtCsv) ref = nrt_csv_read (file);
  nrt_case_set_run (model, 10, NRT_METHOD_IMPLICIT, TRUE);
  g_autoptr (NrtNetwork) net = nrt_network_compile (model, &error);
  g_assert_no_error (error);
  guint sa, sb;
  double xa, xb;
  parse_location (model, a, &sa, &xa);
  parse_location (model, b, &sb, &xb);
  g_autoptr (GArray) path = nrt_network_path (net, sa, xa, sb, xb, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (path->len, ==, ref->n_rows);

  *max_x = *max_v = 0.0;
  for (guint k = 0; k < path->len; k++)
    *max_x = MAX (*max_x, fabs (g_array_index (path, NrtPathPoint, k).distance
                                - nrt_csv_get (ref, k, 0)));
  g_autoptr (NrtSim) sim = nrt_sim_new (net);
  nrt_sim_init (sim);
  for (guint col = 1; col <= 4; col++)
    {
      g_assert_true (nrt_sim_run_until (sim, 1.0 + col, &error));
      g_assert_no_error (error);
      const double *v = nrt_sim_get_v (sim);
      for (guint k = 0; k < path->len; k++)
        *max_v = MAX (*max_v, fabs (v[g_array_index (path, NrtPathPoint, k).node]
                                    - nrt_csv_get (ref, k, col)));
    }
  g_test_message ("%s: %u points, max |Δx| = %.3g µm, max |Δv| = %.3g mV", name, path->len,
                  *max_x, *max_v);
  g_assert_cmpfloat (*max_x, <=, X_TOL);
  g_assert_cmpfloat (*max_v, <=, V_TOL);
}

static void
test_squid_axon_path (void)
{
  static const double xs[] = { 0.5 };
  g_autoptr (NrtModel) model = nrt_case_squid_axon (300, xs, 1);
  double mx, mv;
  compare_space (model, "squid_axon_path.csv", "axon(0)", "axon(1)", &mx, &mv);

  /* The path's nodes are the 45 nodes of squid_axon_300nA_space.csv, in its row order. */
  g_autoptr (GError) error = NULL;
  g_autofree char *file = nrt_reference_path ("squid_axon_300nA_space.csv");
  g_autoptr (NrtCsv) space = nrt_csv_read (file);
  g_autoptr (NrtNetwork) net = nrt_network_compile (model, &error);
  g_autoptr (GArray) path = nrt_network_path (net, 0, 0.0, 0, 1.0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (path->len, ==, space->n_rows);
  for (guint k = 0; k < path->len; k++)
    {
      const NrtPathPoint *p = &g_array_index (path, NrtPathPoint, k);
      double x = nrt_csv_get (space, k, 0);
      g_assert_cmpint ((int) p->node, ==, nrt_network_get_node (net, "axon", x));
      g_assert_cmpfloat_with_epsilon (p->x, x, 1e-14);
      g_assert_cmpfloat_with_epsilon (p->distance, (double) (float) (x * 20000), 1e-9);
      g_assert_cmpint (p->junction, ==, FALSE);
    }
}

static void
test_stylized_cell_space (void)
{
  g_autoptr (NrtModel) model = nrt_case_stylized_cell (1, 0.1, 10);
  double mx, mv;
  compare_space (model, "stylized_cell_space.csv", "axon(1)", "ap[2](1)", &mx, &mv);

  /* The points that only v has: the section ends inside the path, axon(0) = soma(0),
   * soma(1) = ap[0](0) and ap[0](1) = ap[2](0). */
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtNetwork) net = nrt_network_compile (model, &error);
  g_autoptr (GArray) path = nrt_network_path (net, section_index (model, "axon"), 1.0,
                                              section_index (model, "ap[2]"), 1.0, NULL,
                                              &error);
  guint n_junctions = 0;
  for (guint k = 0; k < path->len; k++)
    n_junctions += g_array_index (path, NrtPathPoint, k).junction;
  g_assert_cmpuint (n_junctions, ==, 3);
}

static void
test_path_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) m = branching_figure ();
  g_autoptr (GError) e2 = NULL;
  g_assert_cmpint (nrt_model_add_section (m, "other", NULL, 0, 10, 10, &e2), >=, 0);
  g_autoptr (NrtNetwork) net = nrt_network_compile (m, &error);
  g_assert_no_error (error);

  g_assert_null (nrt_network_path (net, 0, 0.5, 99, 0.5, NULL, &error));
  g_assert_error (error, NRT_SIM_ERROR, NRT_SIM_ERROR_BAD_LOCATION);
  g_clear_error (&error);
  g_assert_null (nrt_network_path (net, 0, 1.5, 1, 0.5, NULL, &error));
  g_assert_error (error, NRT_SIM_ERROR, NRT_SIM_ERROR_BAD_LOCATION);
  g_clear_error (&error);
  g_assert_null (nrt_network_path (net, 0, 0.5, section_index (m, "other"), 0.5, NULL,
                                   &error));
  g_assert_error (error, NRT_SIM_ERROR, NRT_SIM_ERROR_BAD_LOCATION);
  g_clear_error (&error);

  double d2root = -1;
  g_autoptr (GArray) p = nrt_network_path (net, section_index (m, "ap[1]"), 1,
                                           section_index (m, "ap[2]"), 1, &d2root, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (d2root, ==, 420.0);
}

/* nrt_network_node_location: every node maps back to a place that names it. */
static void
test_node_location (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) m = branching_figure ();
  g_autoptr (NrtNetwork) net = nrt_network_compile (m, &error);
  guint n = nrt_network_get_n_nodes (net);
  for (guint node = 0; node < n; node++)
    {
      guint sec;
      double x;
      g_assert_true (nrt_network_node_location (net, node, &sec, &x));
      g_assert_cmpuint (sec, <, nrt_network_get_n_sections (net));
      const NrtSection *s = nrt_model_get_section (m, sec);
      g_assert_cmpint (nrt_network_get_node (net, s->name, x), ==, (int) node);
    }
  /* a child's 0 end is reported on its parent */
  guint sec;
  double x;
  int n0 = nrt_network_get_node (net, "ap[1]", 0.0);
  g_assert_true (nrt_network_node_location (net, (guint) n0, &sec, &x));
  g_assert_cmpstr (nrt_model_get_section (m, sec)->name, ==, "ap[0]");
  g_assert_cmpfloat (x, ==, 1.0);
  n0 = nrt_network_get_node (net, "c", 0.0);
  g_assert_true (nrt_network_node_location (net, (guint) n0, &sec, &x));
  g_assert_cmpstr (nrt_model_get_section (m, sec)->name, ==, "ap[0]");
  g_assert_cmpfloat (x, ==, 0.5 / 3);
  g_assert_false (nrt_network_node_location (net, n, &sec, &x));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/space/path-layouts", test_path_layouts);
  g_test_add_func ("/space/squid-axon-path", test_squid_axon_path);
  g_test_add_func ("/space/stylized-cell", test_stylized_cell_space);
  g_test_add_func ("/space/path-errors", test_path_errors);
  g_test_add_func ("/space/node-location", test_node_location);
  return g_test_run ();
}
