/* test-neuroml.c: NeuroML reading, writing and validation (core/io).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include "nrt-neuroml.h"
#include "nrt-sim.h"
#include "nrt-io-models.h"
#include "../../core/io/nrt-neuroml-private.h"

static const char *
shared_dir (void)
{
  const char *d = g_getenv ("NRT_SHARED_DIR");
  return d ? d : NRT_SOURCE_ROOT "/../shared";
}

static char *
shared_file (const char *rel)
{
  return g_build_filename (shared_dir (), "neuroml", rel, NULL);
}

static gboolean
have_shared (void)
{
  g_autofree char *p = shared_file ("NeuroML_v2.3.1.xsd");
  if (g_file_test (p, G_FILE_TEST_EXISTS))
    return TRUE;
  g_test_skip ("../shared/neuroml is absent");
  return FALSE;
}

/* ---------------------------------------------------------------- units */

static void
test_units (void)
{
  static const struct { const char *text; NrtDimension dim; double value; } good[] = {
    { "0.03 kohm_cm", NRT_DIM_RESISTIVITY, 30 },
    { "100 kohm_cm", NRT_DIM_RESISTIVITY, 100000 },
    { "360 S_per_m2", NRT_DIM_COND_DENSITY, 0.036 },
    { "3.0 S_per_m2", NRT_DIM_COND_DENSITY, 0.0003 },
    { "120.0 mS_per_cm2", NRT_DIM_COND_DENSITY, 0.12 },
    { "0.3 mS_per_cm2", NRT_DIM_COND_DENSITY, 0.0003 },
    { "50.0 mV", NRT_DIM_VOLTAGE, 50 },
    { "-0.065V", NRT_DIM_VOLTAGE, -65 },
    { "0.5e-3s", NRT_DIM_TIME, 0.5 },
    { "3e-5s", NRT_DIM_TIME, 0.03 },
    { "0.08nA", NRT_DIM_CURRENT, 0.08 },
    { "80pA", NRT_DIM_CURRENT, 0.08 },
    { ".3nS", NRT_DIM_CONDUCTANCE, 0.0003 },
    { "1 uF_per_cm2", NRT_DIM_CAPACITANCE_DENSITY, 1 },
    { "0.01 F_per_m2", NRT_DIM_CAPACITANCE_DENSITY, 1 },
    { "6.3 degC", NRT_DIM_TEMPERATURE, 6.3 },
    { "1per_ms", NRT_DIM_PER_TIME, 1 },
    { "125 per_s", NRT_DIM_PER_TIME, 0.125 },
    { "3", NRT_DIM_NONE, 3 },
    { "1.2mM", NRT_DIM_CONCENTRATION, 1.2 },
    { "2  um", NRT_DIM_LENGTH, 2 },
  };
  static const struct { const char *text; NrtDimension dim; } bad[] = {
    { "0.3 mS/cm2", NRT_DIM_COND_DENSITY }, { "1e+06 S_per_m2", NRT_DIM_COND_DENSITY },
    { "+5 mV", NRT_DIM_VOLTAGE }, { "1. mV", NRT_DIM_VOLTAGE }, { "5,0 mV", NRT_DIM_VOLTAGE },
    { "NaN mV", NRT_DIM_VOLTAGE }, { "inf", NRT_DIM_NONE }, { "-54.3", NRT_DIM_VOLTAGE },
    { "5 ms", NRT_DIM_VOLTAGE }, { "uS_per_cm2", NRT_DIM_COND_DENSITY }, { "1e999 mV", NRT_DIM_VOLTAGE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      double v = NAN;
      g_autofree char *why = NULL;
      g_assert_true (nrt_nml_parse_quantity (good[i].text, good[i].dim, &v, &why));
      g_assert_cmpfloat (v, ==, good[i].value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      double v = 0;
      g_autofree char *why = NULL;
      g_assert_false (nrt_nml_parse_quantity (bad[i].text, bad[i].dim, &v, &why));
      g_assert_nonnull (why);
      g_assert_null (strchr (why, '\n'));
    }
}

static void
test_format (void)
{
  static const double values[] = { 0.1, 0.12, 1.0 / 3.0, 1e-20, 1e21, -65, 17.841241161527712,
                                   123456789.123, 5e-324, 0.0036, -0.0 };
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *s = nrt_nml_format_number (values[i]);
      g_assert_null (strchr (s, '+'));
      g_assert_null (strchr (s, ','));
      g_assert_cmpfloat (g_ascii_strtod (s, NULL), ==, values[i]);
    }
  {
    g_autofree char *s = nrt_nml_format_number (0.1);
    g_assert_cmpstr (s, ==, "0.1");
  }
}

/* ---------------------------------------------------------------- round trips */


/* The document as other tools write it: without its Neurite annotation, which must have held
 * everything Neurite-specific.  (transfer full) */
static char *
strip_annotation (const char *text)
{
  const char *a = strstr (text, "<annotation>");
  const char *b = a != NULL ? strstr (a, "</annotation>") : NULL;
  g_autofree char *head = NULL;
  char *stripped;

  g_assert_true (a != NULL && b != NULL);
  /* whole lines: from the start of the opening tag's line to the end of the closing one */
  while (a > text && a[-1] == ' ')
    a--;
  b += strlen ("</annotation>");
  if (*b == '\n')
    b++;
  head = g_strndup (text, a - text);
  stripped = g_strconcat (head, b, NULL);
  g_assert_null (strstr (stripped, "neurite:"));
  return stripped;
}

static void
assert_schema_valid (const char *xml)
{
  g_autoptr (GError) error = NULL;
  gboolean skipped = TRUE;
  g_assert_true (nrt_neuroml_validate_string (xml, &skipped, &error));
  g_assert_no_error (error);
  if (skipped)
    g_test_message ("schema absent: XSD validation skipped");
}

#define RATE_(form, A, k, d) (&(NrtRate) { (form), (A), (k), (d) })

static char *tmp_file (const char *name, const char *text);
static void  remove_tmp (const char *path);

/* write → read → data_equal, and save → load → save byte-identical; returns the text. */
static char *
round_trip (NrtModel *model, const char *tag)
{
  g_autofree char *dir = g_dir_make_tmp ("nrt-io-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.nml", NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) back = NULL;
  g_autoptr (GDir) d = NULL;

  first = nrt_neuroml_write_string (model, &error);
  g_assert_no_error (error);
  assert_schema_valid (first);
  g_assert_true (nrt_neuroml_write_file (model, path, &error));
  g_assert_no_error (error);
  back = nrt_neuroml_read_file (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_false (nrt_model_can_undo (back));
  g_assert_false (nrt_model_is_modified (back));
  if (!nrt_model_data_equal (nrt_model_get_data (model), nrt_model_get_data (back)))
    g_error ("%s: the model read back differs from the one written", tag);
  second = nrt_neuroml_write_string (back, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first, ==, second);
  {
    gboolean skipped;
    g_assert_true (nrt_neuroml_validate_file_full (path, &skipped, &error));
    g_assert_no_error (error);
  }
  /* Atomic write leaves no temporary file behind. */
  d = g_dir_open (dir, 0, NULL);
  for (const char *n; (n = g_dir_read_name (d)) != NULL;)
    g_assert_cmpstr (n, ==, "model.nml");
  g_unlink (path);
  g_rmdir (dir);
  return g_steal_pointer (&first);
}

static void
test_round_trip_example (gconstpointer data)
{
  const NrtIoExample *ex = data;
  g_autoptr (NrtModel) m = ex->build ();
  g_autofree char *text = round_trip (m, ex->file);
}

/* A model under the CellBuilder: its ordered specs, class name and the GUI's layout text
 * (with characters XML must escape) survive a save and a load. */
static void
test_round_trip_cell_builder (void)
{
  g_autoptr (NrtModel) m = nrt_model_new_default ();
  g_autoptr (GError) e = NULL;

  g_assert_cmpint (nrt_model_add_section (m, "dend", "soma", 1, 1, 1, &e), ==, 1);
  g_assert_true (nrt_model_add_subset (m, "dends", &e));
  g_assert_true (nrt_model_subset_add_section (m, "dends", "dend", &e));
  g_autoptr (NrtGeometrySpec) g1 = nrt_geometry_spec_new ("all");
  g1->kinds = NRT_GEO_D_LAMBDA;
  g1->d_lambda = 0.05;
  g_autoptr (NrtGeometrySpec) g2 = nrt_geometry_spec_new ("dends");
  g2->kinds = NRT_GEO_DISTINCT_L | NRT_GEO_DIAM;
  g2->distinct_L = g_array_new (FALSE, FALSE, sizeof (double));
  double L = 123.456789012345;
  g_array_append_val (g2->distinct_L, L);
  g2->diam = 1.5;
  g_autoptr (NrtGeometrySpec) g3 = nrt_geometry_spec_new ("soma");
  g3->kinds = NRT_GEO_AREA;
  g3->area = 500;
  NrtGeometrySpec *geo[] = { g1, g2, g3 };
  g_assert_true (nrt_model_set_geometry_specs (m, geo, 3, &e));
  g_autoptr (NrtBiophysicsSpec) b1 = nrt_biophysics_spec_new ("all");
  b1->has_Ra = TRUE;
  b1->Ra = 160;
  b1->mech[NRT_MECH_PAS].inserted = TRUE;
  g_autoptr (NrtBiophysicsSpec) b2 = nrt_biophysics_spec_new ("soma");
  b2->has_cm = TRUE;
  b2->cm = 0.75;
  b2->mech[NRT_MECH_HH].inserted = TRUE;
  b2->mech[NRT_MECH_HH].p[0] = 0.2;
  NrtBiophysicsSpec *bio[] = { b1, b2 };
  g_assert_true (nrt_model_set_biophysics_specs (m, bio, 2, &e));
  g_assert_true (nrt_model_set_class_name (m, "BCell", &e));
  g_assert_true (nrt_model_set_cell_output (m, "dend", 0.25, -15, &e));
  nrt_model_set_view_state (m, "[window graph-0]\nkind=voltage\ntitle=<v & i>\n");
  g_assert_no_error (e);

  g_autofree char *text = round_trip (m, "cell builder");
  g_assert_nonnull (strstr (text, "neurite:geometrySpec"));
  g_assert_nonnull (strstr (text, "className=\"BCell\""));
}

static void
test_round_trip_kitchen_sink (void)
{
  g_autoptr (NrtModel) m = nrt_io_build_kitchen_sink ();
  g_autofree char *text = round_trip (m, "kitchen sink");
  const NrtModelData *d = nrt_model_get_data (m);

  /* Children attached mid-section start at a segment boundary (fractionAlong 1). */
  g_assert_nonnull (strstr (text, "neuroLexId=\"sao864921383\""));
  g_assert_nonnull (strstr (text, "tag=\"numberInternalDivisions\""));
  g_assert_null (strstr (text, "fractionAlong=\"0.3\""));
  g_assert_nonnull (strstr (text, "type=\"networkWithTemperature\" temperature=\"16.3 degC\""));
  g_assert_nonnull (strstr (text, "<expOneSynapse"));
  g_assert_nonnull (strstr (text, "<expTwoSynapse"));
  g_assert_nonnull (strstr (text, "<alphaSynapse"));
  g_assert_cmpuint (d->netcons->len, ==, 2);
}

/* ChannelBuilder channels: every rate form, α/β and inf/τ gates (mixed in one channel), q10,
 * every ion, hh in the same section, values whose 1/k is not exactly invertible. */
static void
test_round_trip_channels (void)
{
  g_autoptr (NrtModel) m = nrt_io_build_kitchen_sink ();
  g_autoptr (GError) e = NULL;
  g_autoptr (NrtChannel) na = nrt_channel_new_hh_na ();
  g_autoptr (NrtChannel) k = nrt_channel_new_hh_k ();
  g_autoptr (NrtChannel) leak = nrt_channel_new ("leak");
  g_autoptr (NrtChannel) cat = nrt_channel_new ("cat");
  const NrtModelData *d = nrt_model_get_data (m);
  const char *sec0 = ((NrtSection *) d->sections->pdata[0])->name;
  const char *sec1 = ((NrtSection *) d->sections->pdata[1])->name;

  na->gmax = 0.12;
  na->q10 = 3;
  na->q10_temperature = 6.3;
  k->gmax = 0.036;
  leak->gmax = 0.0003;
  leak->erev = -54.3;
  cat->ion = NRT_ION_CA;
  cat->gmax = 1e-4;
  cat->q10 = 2.5;
  cat->q10_temperature = 22;
  nrt_channel_add_gate (cat, "s", 2, NRT_GATE_INF_TAU,
                        &(NrtRate) { NRT_RATE_SIGMOID, 1, -1.0 / 6.2, -27.1 },
                        &(NrtRate) { NRT_RATE_EXP, 3.7, 0.0123456789, -40.3 });
  nrt_channel_add_gate (cat, "u", 1, NRT_GATE_INF_TAU,
                        &(NrtRate) { NRT_RATE_CONSTANT, 0.3, 0, 0 },
                        &(NrtRate) { NRT_RATE_CONSTANT, 12.5, 0, 0 });
  nrt_channel_add_gate (cat, "w", 1, NRT_GATE_ALPHA_BETA,
                        &(NrtRate) { NRT_RATE_CONSTANT, 0.25, 0, 0 },
                        &(NrtRate) { NRT_RATE_LINOID, 0.02, -1.0 / 7.0, -13.3 });
  g_assert_true (nrt_model_add_channel (m, na, &e));
  g_assert_true (nrt_model_add_channel (m, k, &e));
  g_assert_true (nrt_model_add_channel (m, leak, &e));
  g_assert_true (nrt_model_add_channel (m, cat, &e));
  g_assert_true (nrt_model_insert_mechanism (m, "all", "leak", &e));
  g_assert_true (nrt_model_set_mechanism_param (m, sec1, "e_leak", -61.25, &e));
  g_assert_true (nrt_model_insert_mechanism (m, sec0, "nahh", &e));
  g_assert_true (nrt_model_insert_mechanism (m, sec0, "khh", &e));
  g_assert_true (nrt_model_insert_mechanism (m, sec0, "cat", &e));
  g_assert_true (nrt_model_insert_mechanism (m, sec1, "cat", &e));
  g_assert_true (nrt_model_set_mechanism_param (m, sec0, "gmax_nahh", 0.2, &e));
  g_assert_true (nrt_model_set_mechanism_param (m, sec0, "ena", 55.5, &e));
  g_assert_true (nrt_model_set_mechanism_param (m, sec1, "eca", 120.125, &e));
  g_assert_no_error (e);

  g_autofree char *text = round_trip (m, "channels");
  g_assert_nonnull (strstr (text, "<ionChannelHH id=\"nahh\" species=\"na\" conductance=\"10pS\">"));
  g_assert_nonnull (strstr (text, "<forwardRate type=\"HHExpLinearRate\" rate=\"1 per_ms\" "
                                  "midpoint=\"-40 mV\" scale=\"10 mV\"/>"));
  g_assert_nonnull (strstr (text, "<reverseRate type=\"HHSigmoidRate\" rate=\"1 per_ms\" "
                                  "midpoint=\"-35 mV\" scale=\"10 mV\"/>"));
  g_assert_nonnull (strstr (text, "<q10Settings type=\"q10ExpTemp\" q10Factor=\"3\" "
                                  "experimentalTemp=\"6.3 degC\"/>"));
  g_assert_nonnull (strstr (text, "<gate id=\"s\" type=\"gateHHtauInf\" instances=\"2\">"));
  g_assert_nonnull (strstr (text, "<timeCourse type=\"fixedTimeCourse\" tau=\"12.5 ms\"/>"));
  g_assert_nonnull (strstr (text, "<ionChannelHH id=\"leak\" conductance=\"10pS\"/>"));
  g_assert_nonnull (strstr (text, "ionChannel=\"cat\""));
  g_assert_nonnull (strstr (text, "erev=\"120.125 mV\""));
}

/* CellBuilder biophysics specs inserting ChannelBuilder channels: the neurite:channel entries
 * of the annotation come back exactly, applied over the channel densities. */
static void
test_round_trip_spec_channels (void)
{
  g_autoptr (NrtModel) m = nrt_io_build_kitchen_sink ();
  g_autoptr (GError) e = NULL;
  g_autoptr (NrtChannel) na = nrt_channel_new_hh_na ();
  g_autoptr (NrtChannel) k = nrt_channel_new_hh_k ();
  g_autoptr (NrtChannel) leak = nrt_channel_new ("leak");
  const NrtModelData *d = nrt_model_get_data (m);
  const char *sec0 = ((NrtSection *) d->sections->pdata[0])->name;
  const char *sec1 = ((NrtSection *) d->sections->pdata[1])->name;

  leak->erev = -54.3;
  g_assert_true (nrt_model_add_channel (m, na, &e));
  g_assert_true (nrt_model_add_channel (m, k, &e));
  g_assert_true (nrt_model_add_channel (m, leak, &e));

  g_autoptr (NrtBiophysicsSpec) all = nrt_biophysics_spec_new ("all");
  g_autoptr (NrtBiophysicsSpec) s0 = nrt_biophysics_spec_new (sec0);
  g_autoptr (NrtBiophysicsSpec) s1 = nrt_biophysics_spec_new (sec1);
  all->has_Ra = all->has_cm = TRUE;
  all->Ra = 123.4;
  nrt_biophysics_spec_set_channel (all, "leak", 1.0 / 3000, -54.3);
  nrt_biophysics_spec_set_channel (s0, "nahh", 0.12, 0);
  nrt_biophysics_spec_set_channel (s0, "khh", 0.036, 0);
  nrt_biophysics_spec_set_channel (s0, "leak", 0.0003, -2.0 / 3);  /* overrides all's */
  s1->mech[NRT_MECH_HH].inserted = TRUE;
  nrt_biophysics_spec_set_channel (s1, "nahh", 0.01, 0);
  NrtBiophysicsSpec *list[] = { all, s0, s1 };
  g_assert_true (nrt_model_set_biophysics_specs (m, list, 3, &e));
  g_assert_no_error (e);

  g_autofree char *text = round_trip (m, "spec-channels");
  g_assert_nonnull (strstr (text, "<neurite:insertedChannel name=\"nahh\" gmax=\"0.12\" e=\"0\"/>"));
  g_assert_nonnull (strstr (text, "<neurite:insertedChannel name=\"leak\" gmax=\"0.0003\" "
                                  "e=\"-0.6666666666666666\"/>"));
  g_assert_nonnull (strstr (text, "<neurite:insertedChannel name=\"leak\" gmax=\"0.0003333333333333333\" "
                                  "e=\"-54.3\"/>"));
}

/* Kinetic schemes, GHK, point channels (single channels, Nsingle), ion concentrations and
 * the seed: a density channel with an HH gate and a scheme (α/β, inf/τ and a ligand
 * transition, a fractional state), a scheme where every state conducts and one where none
 * does, a GHK channel inserted before an ohmic one, point channels placed twice. */
static void
test_round_trip_schemes (void)
{
  g_autoptr (NrtModel) m = nrt_io_build_kitchen_sink ();
  g_autoptr (GError) e = NULL;
  g_autoptr (NrtChannel) ks3 = nrt_channel_new ("ks3");
  g_autoptr (NrtChannel) edge = nrt_channel_new ("edge");
  g_autoptr (NrtChannel) cal = nrt_channel_new ("cal");
  g_autoptr (NrtChannel) pk = nrt_channel_new ("pk");
  g_autoptr (NrtChannel) pleak = nrt_channel_new ("pleak");
  const NrtModelData *d = nrt_model_get_data (m);
  const char *sec0 = ((NrtSection *) d->sections->pdata[0])->name;
  const char *sec1 = ((NrtSection *) d->sections->pdata[1])->name;
  NrtKsScheme *ks;
  NrtRunSettings st;
  int pp;

  ks3->ion = NRT_ION_K;
  ks3->gmax = 0.005;
  ks3->q10 = 3;
  ks3->q10_temperature = 22.5;
  nrt_channel_add_gate (ks3, "h", 1, NRT_GATE_INF_TAU,
                        &(NrtRate) { NRT_RATE_SIGMOID, 1, 0.1 + 0.2, -81.0 / 7 },
                        &(NrtRate) { NRT_RATE_EXP, 1.0 / 3, -0.0125, 1e-5 });
  ks = nrt_channel_add_scheme (ks3, 2);
  nrt_ks_scheme_add_state (ks, "C1", 0, 10, 20);
  nrt_ks_scheme_add_state (ks, "C2", 0, 60, 20);
  nrt_ks_scheme_add_state (ks, "O", 1, 110, 20);
  nrt_ks_scheme_add_state (ks, "O2", 1.0 / 3, 110, 70);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_ALPHA_BETA,
                                &(NrtRate) { NRT_RATE_EXP, 0.2, 0.05, -40 },
                                &(NrtRate) { NRT_RATE_LINOID, 0.1, -1.0 / 7, -40.25 },
                                NRT_ION_NONSPECIFIC, 1);
  nrt_ks_scheme_add_transition (ks, 1, 2, NRT_TRANS_LIGAND_INSIDE,
                                &(NrtRate) { NRT_RATE_CONSTANT, 1e3 / 7, 0, 0 },
                                &(NrtRate) { NRT_RATE_CONSTANT, 0.1, 0, 0 }, NRT_ION_CA, 2);
  nrt_ks_scheme_add_transition (ks, 3, 2, NRT_GATE_INF_TAU,
                                &(NrtRate) { NRT_RATE_CONSTANT, 0.25, 0, 0 },
                                &(NrtRate) { NRT_RATE_CONSTANT, 4, 0, 0 }, NRT_ION_NONSPECIFIC, 1);
  nrt_ks_scheme_add_transition (ks, 3, 0, NRT_TRANS_LIGAND_OUTSIDE,
                                &(NrtRate) { NRT_RATE_CONSTANT, 0.5, 0, 0 },
                                &(NrtRate) { NRT_RATE_CONSTANT, 0.125, 0, 0 }, NRT_ION_NA, 1);

  edge->erev = -20;
  ks = nrt_channel_add_scheme (edge, 1);
  nrt_ks_scheme_add_state (edge->schemes->pdata[0], "A", 0.25, 0, 0);
  nrt_ks_scheme_add_state (edge->schemes->pdata[0], "B", 1, 0, 0);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_ALPHA_BETA,
                                &(NrtRate) { NRT_RATE_SIGMOID, 2, 0.1, -30 },
                                &(NrtRate) { NRT_RATE_CONSTANT, 0.3, 0, 0 }, NRT_ION_NONSPECIFIC, 1);
  ks = nrt_channel_add_scheme (edge, 3);
  nrt_ks_scheme_add_state (ks, "X", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, "Y", 0, 0, 0);
  nrt_ks_scheme_add_transition (ks, 1, 0, NRT_GATE_ALPHA_BETA,
                                &(NrtRate) { NRT_RATE_CONSTANT, 0, 0, 0 },
                                &(NrtRate) { NRT_RATE_CONSTANT, 0, 0, 0 }, NRT_ION_NONSPECIFIC, 1);

  cal->ion = NRT_ION_CA;
  cal->conductance = NRT_CONDUCTANCE_GHK;
  cal->gmax = 2.5e-5;
  nrt_channel_add_gate (cal, "m", 2, NRT_GATE_ALPHA_BETA,
                        &(NrtRate) { NRT_RATE_LINOID, 0.055, 1 / 3.8, -27 },
                        &(NrtRate) { NRT_RATE_EXP, 0.94, -1 / 17.6, -75 });

  pk->kind = NRT_CHANNEL_POINT;
  pk->ion = NRT_ION_K;
  pk->single = TRUE;
  pk->gmax = 1e-5;
  ks = nrt_channel_add_scheme (pk, 1);
  nrt_ks_scheme_add_state (ks, "C", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, "O", 1, 50, 0);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_ALPHA_BETA,
                                &(NrtRate) { NRT_RATE_EXP, 0.1, 0.04, -30 },
                                &(NrtRate) { NRT_RATE_EXP, 0.1, -0.04, -30 }, NRT_ION_NONSPECIFIC, 1);

  pleak->kind = NRT_CHANNEL_POINT;
  pleak->gmax = 0.001;
  pleak->erev = -70;
  nrt_channel_add_gate (pleak, "s", 1, NRT_GATE_ALPHA_BETA,
                        &(NrtRate) { NRT_RATE_CONSTANT, 0.5, 0, 0 },
                        &(NrtRate) { NRT_RATE_CONSTANT, 0.5, 0, 0 });

  g_assert_true (nrt_model_add_channel (m, ks3, &e));
  g_assert_true (nrt_model_add_channel (m, edge, &e));
  g_assert_true (nrt_model_add_channel (m, cal, &e));
  g_assert_true (nrt_model_add_channel (m, pk, &e));
  g_assert_true (nrt_model_add_channel (m, pleak, &e));
  g_assert_no_error (e);
  g_assert_true (nrt_model_insert_mechanism (m, sec0, "ks3", &e));
  g_assert_true (nrt_model_insert_mechanism (m, sec0, "cal", &e));
  g_assert_true (nrt_model_insert_mechanism (m, sec1, "cal", &e));
  g_assert_true (nrt_model_insert_mechanism (m, sec1, "edge", &e));
  g_assert_true (nrt_model_insert_mechanism (m, sec1, "ks3", &e));
  g_assert_true (nrt_model_set_mechanism_param (m, sec1, "gmax_cal", 1e-4 / 3, &e));
  g_assert_true (nrt_model_set_mechanism_param (m, sec1, "gmax_ks3", 0.0125, &e));
  g_assert_true (nrt_model_set_mechanism_param (m, sec1, "e_edge", -33.5, &e));
  g_assert_no_error (e);
  pp = nrt_model_add_point_process (m, "pk", sec0, 0.5, &e);
  g_assert_cmpint (pp, >=, 0);
  g_assert_true (nrt_model_set_point_process_param (m, pp, "Nsingle", 25, &e));
  pp = nrt_model_add_point_process (m, "pk", sec1, 0.25, &e);
  g_assert_true (nrt_model_set_point_process_param (m, pp, "Nsingle", 0, &e));
  g_assert_true (nrt_model_set_point_process_param (m, pp, "gmax", 2e-5 / 3, &e));
  pp = nrt_model_add_point_process (m, "pleak", sec1, 1, &e);
  g_assert_true (nrt_model_set_point_process_param (m, pp, "e", -66.25, &e));
  g_assert_no_error (e);
  st = d->settings;
  st.conc_i[NRT_ION_CA] = 1e-4 / 3;
  st.conc_o[NRT_ION_CA] = 2.5;
  st.conc_o[NRT_ION_NA] = 145;
  st.seed = 4000000001u;
  g_assert_true (nrt_model_set_settings (m, &st, &e));
  g_assert_no_error (e);

  g_autofree char *text = round_trip (m, "schemes");
  g_assert_nonnull (strstr (text, "<ionChannelKS id=\"ks3\" species=\"k\" conductance=\"10pS\">\n"
                                  "    <gateKS id=\"h\" instances=\"1\">\n"
                                  "      <q10Settings type=\"q10ExpTemp\" q10Factor=\"3\" "
                                  "experimentalTemp=\"22.5 degC\"/>\n"
                                  "      <closedState id=\"C\"/>\n      <openState id=\"O\"/>\n"
                                  "      <tauInfTransition id=\"tauinf_C_O\" from=\"C\" to=\"O\">\n"));
  g_assert_nonnull (strstr (text, "    <gateKS id=\"scheme1\" instances=\"2\">\n"));
  g_assert_nonnull (strstr (text, "      <closedState id=\"C1\"/>\n      <closedState id=\"C2\"/>\n"
                                  "      <openState id=\"O\"/>\n      <openState id=\"O2\"/>\n"));
  g_assert_nonnull (strstr (text, "      <forwardTransition id=\"fwd_C1_C2\" from=\"C1\" to=\"C2\">\n"
                                  "        <rate type=\"HHExpRate\" rate=\"0.2 per_ms\" "
                                  "midpoint=\"-40 mV\" scale=\"20 mV\"/>\n"
                                  "      </forwardTransition>\n"
                                  "      <reverseTransition id=\"rev_C1_C2\" from=\"C1\" to=\"C2\">\n"
                                  "        <rate type=\"HHExpLinearRate\" rate=\"0.1 per_ms\" "
                                  "midpoint=\"-40.25 mV\" scale=\"-7 mV\"/>\n"));
  g_assert_nonnull (strstr (text, "<rate type=\"neurite_ligandRate\" rate=\"142.85714285714286 per_ms\" "
                                  "ligand=\"cai\" species=\"ca\" stoichiometry=\"2\"/>"));
  /* Every state of edge's first scheme conducts: A goes closed; none of X, Y: Y goes open. */
  g_assert_nonnull (strstr (text, "      <closedState id=\"A\"/>\n      <openState id=\"B\"/>\n"));
  g_assert_nonnull (strstr (text, "      <closedState id=\"X\"/>\n      <openState id=\"Y\"/>\n"));
  g_assert_nonnull (strstr (text, "<ionChannelHH id=\"cal\" species=\"ca\""));
  g_assert_nonnull (strstr (text, "<channelDensityGHK id=\"cal_"));
  g_assert_nonnull (strstr (text, "permeability=\"2.5e-05 cm_per_s\""));
  g_assert_nonnull (strstr (text, "channelOrder=\"cal edge ks3\""));
  g_assert_nonnull (strstr (text, "<neurite:channelType name=\"pk\" ion=\"k\" kind=\"point\" "
                                  "single=\"true\""));
  g_assert_nonnull (strstr (text, "<neurite:channelType name=\"cal\" ion=\"ca\" conductance=\"ghk\""));
  g_assert_nonnull (strstr (text, "<neurite:pointProcess type=\"pk\""));
  g_assert_nonnull (strstr (text, "<neurite:param name=\"Nsingle\" value=\"25\"/>"));
  g_assert_nonnull (strstr (text, "<neurite:param name=\"e\" value=\"-66.25\"/>"));
  g_assert_nonnull (strstr (text, "cai0=\"3.3333333333333335e-05\" cao0=\"2.5\""));
  g_assert_nonnull (strstr (text, "seed=\"4000000001\""));
  g_assert_nonnull (strstr (text, "<neurite:transition from=\"C2\" to=\"O\" type=\"ligand_inside\" "
                                  "ligand=\"ca\" stoichiometry=\"2\""));
}

/* Foreign channels with the standard forms become ChannelBuilder channels: an ionChannelHH
 * of gateHHrates with q10Settings, an ionChannel of generic gates (inf/τ with a sigmoid steady
 * state and a fixed time course; α/β with a sigmoid and an exp of huge scale, i.e. a
 * constant), and an ionChannelKS whose two-state gateKS becomes an HH gate and whose
 * three-state gateKS (α/β pair and tauInfTransition) a scheme.  The model then round-trips. */
static const char foreign_channels_nml[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<neuroml xmlns=\"http://www.neuroml.org/schema/neuroml2\" id=\"doc\">\n"
  "  <ionChannelHH id=\"kdr\" species=\"k\" conductance=\"10pS\">\n"
  "    <gateHHrates id=\"n\" instances=\"4\">\n"
  "      <q10Settings type=\"q10ExpTemp\" q10Factor=\"3\" experimentalTemp=\"6.3 degC\"/>\n"
  "      <forwardRate type=\"HHExpLinearRate\" rate=\"0.2per_ms\" midpoint=\"-50mV\" scale=\"10mV\"/>\n"
  "      <reverseRate type=\"HHExpRate\" rate=\"0.125per_ms\" midpoint=\"-65mV\" scale=\"-0.08V\"/>\n"
  "    </gateHHrates>\n"
  "  </ionChannelHH>\n"
  "  <ionChannel id=\"nap\" type=\"ionChannelHH\" species=\"na\" conductance=\"10pS\">\n"
  "    <gate id=\"a\" type=\"gateHHtauInf\" instances=\"3\">\n"
  "      <timeCourse type=\"fixedTimeCourse\" tau=\"5 ms\"/>\n"
  "      <steadyState type=\"HHSigmoidVariable\" rate=\"1\" midpoint=\"-52mV\" scale=\"5mV\"/>\n"
  "    </gate>\n"
  "    <gate id=\"b\" type=\"gateHHrates\" instances=\"1\">\n"
  "      <forwardRate type=\"HHSigmoidRate\" rate=\"0.5per_ms\" midpoint=\"-48mV\" scale=\"-4mV\"/>\n"
  "      <reverseRate type=\"HHExpRate\" rate=\"20per_s\" midpoint=\"0mV\" scale=\"1e9mV\"/>\n"
  "    </gate>\n"
  "  </ionChannel>\n"
  "  <ionChannelKS id=\"kks\" species=\"k\" conductance=\"10pS\">\n"
  "    <gateKS id=\"m\" instances=\"2\">\n"
  "      <closedState id=\"c\"/><openState id=\"o\"/>\n"
  "      <forwardTransition id=\"f\" from=\"c\" to=\"o\"><rate type=\"HHExpRate\" rate=\"0.1per_ms\" midpoint=\"-40mV\" scale=\"8mV\"/></forwardTransition>\n"
  "      <reverseTransition id=\"r\" from=\"c\" to=\"o\"><rate type=\"HHExpRate\" rate=\"0.1per_ms\" midpoint=\"-40mV\" scale=\"-8mV\"/></reverseTransition>\n"
  "    </gateKS>\n"
  "    <gateKS id=\"s\" instances=\"1\">\n"
  "      <closedState id=\"c\"/><closedState id=\"i\"/><openState id=\"o\"/>\n"
  "      <forwardTransition id=\"f1\" from=\"c\" to=\"o\"><rate type=\"HHExpLinearRate\" rate=\"0.3per_ms\" midpoint=\"-30mV\" scale=\"9mV\"/></forwardTransition>\n"
  "      <reverseTransition id=\"r1\" from=\"c\" to=\"o\"><rate type=\"HHSigmoidRate\" rate=\"0.2per_ms\" midpoint=\"-45mV\" scale=\"-6mV\"/></reverseTransition>\n"
  "      <tauInfTransition id=\"t2\" from=\"o\" to=\"i\"><steadyState type=\"HHSigmoidVariable\" rate=\"1\" midpoint=\"-20mV\" scale=\"10mV\"/>"
  "<timeCourse type=\"fixedTimeCourse\" tau=\"12ms\"/></tauInfTransition>\n"
  "    </gateKS>\n"
  "  </ionChannelKS>\n"
  "  <cell id=\"c\">\n"
  "    <morphology id=\"m\">\n"
  "      <segment id=\"0\" name=\"soma\"><proximal x=\"0\" y=\"0\" z=\"0\" diameter=\"10\"/><distal x=\"0\" y=\"10\" z=\"0\" diameter=\"10\"/></segment>\n"
  "    </morphology>\n"
  "    <biophysicalProperties id=\"b\">\n"
  "      <membraneProperties>\n"
  "        <channelDensity id=\"d1\" ionChannel=\"kdr\" condDensity=\"36 mS_per_cm2\" erev=\"-77mV\" ion=\"k\"/>\n"
  "        <channelDensity id=\"d2\" ionChannel=\"nap\" condDensity=\"0.1 mS_per_cm2\" erev=\"55mV\" ion=\"na\"/>\n"
  "        <channelDensity id=\"d3\" ionChannel=\"kks\" condDensity=\"2 mS_per_cm2\" erev=\"-77mV\" ion=\"k\"/>\n"
  "        <spikeThresh value=\"0mV\"/><specificCapacitance value=\"1 uF_per_cm2\"/><initMembPotential value=\"-65mV\"/>\n"
  "      </membraneProperties>\n"
  "      <intracellularProperties><resistivity value=\"100 ohm_cm\"/></intracellularProperties>\n"
  "    </biophysicalProperties>\n"
  "  </cell>\n"
  "</neuroml>\n";

static void
test_foreign_channels (void)
{
  g_autofree char *path = tmp_file ("foreign.nml", foreign_channels_nml);
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) m = nrt_neuroml_read_file (path, &error);
  g_autoptr (NrtChannel) kdr = nrt_channel_new ("kdr");
  g_autoptr (NrtChannel) nap = nrt_channel_new ("nap");
  g_autoptr (NrtChannel) kks = nrt_channel_new ("kks");
  const NrtModelData *d;
  const NrtSection *soma;
  NrtKsScheme *ks;

  g_assert_no_error (error);
  g_assert_nonnull (m);
  d = nrt_model_get_data (m);
  g_assert_cmpuint (d->channels->len, ==, 3);

  kdr->ion = NRT_ION_K;
  kdr->q10 = 3;
  kdr->q10_temperature = 6.3;
  nrt_channel_add_gate (kdr, "n", 4, NRT_GATE_ALPHA_BETA,
                        &(NrtRate) { NRT_RATE_LINOID, 0.2, 1.0 / 10, -50 },
                        &(NrtRate) { NRT_RATE_EXP, 0.125, 1.0 / -80, -65 });
  nap->ion = NRT_ION_NA;
  nrt_channel_add_gate (nap, "a", 3, NRT_GATE_INF_TAU,
                        &(NrtRate) { NRT_RATE_SIGMOID, 1, -1.0 / 5, -52 },
                        &(NrtRate) { NRT_RATE_CONSTANT, 5, 0, 0 });
  nrt_channel_add_gate (nap, "b", 1, NRT_GATE_ALPHA_BETA,
                        &(NrtRate) { NRT_RATE_SIGMOID, 0.5, -1.0 / -4, -48 },
                        &(NrtRate) { NRT_RATE_CONSTANT, 0.02, 0, 0 });
  kks->ion = NRT_ION_K;
  nrt_channel_add_gate (kks, "m", 2, NRT_GATE_ALPHA_BETA,
                        &(NrtRate) { NRT_RATE_EXP, 0.1, 1.0 / 8, -40 },
                        &(NrtRate) { NRT_RATE_EXP, 0.1, 1.0 / -8, -40 });
  ks = nrt_channel_add_scheme (kks, 1);
  /* Gate m's states became the HH gate m, so the scheme keeps its state names. */
  nrt_ks_scheme_add_state (ks, "c", 0, 0, 60);
  nrt_ks_scheme_add_state (ks, "i", 0, 60, 60);
  nrt_ks_scheme_add_state (ks, "o", 1, 120, 60);
  nrt_ks_scheme_add_transition (ks, 0, 2, NRT_GATE_ALPHA_BETA,
                                &(NrtRate) { NRT_RATE_LINOID, 0.3, 1.0 / 9, -30 },
                                &(NrtRate) { NRT_RATE_SIGMOID, 0.2, -1.0 / -6, -45 },
                                NRT_ION_NONSPECIFIC, 1);
  nrt_ks_scheme_add_transition (ks, 2, 1, NRT_GATE_INF_TAU,
                                &(NrtRate) { NRT_RATE_SIGMOID, 1, -1.0 / 10, -20 },
                                &(NrtRate) { NRT_RATE_CONSTANT, 12, 0, 0 },
                                NRT_ION_NONSPECIFIC, 1);
  for (int i = 0; i < 3; i++)
    {
      const NrtChannel *want = i == 0 ? kdr : i == 1 ? nap : kks;
      const NrtChannel *got = d->channels->pdata[nrt_model_find_channel (m, want->name)];
      if (!nrt_channel_equal (got, want))
        {
          g_autofree char *a = nrt_channel_describe (got);
          g_autofree char *b = nrt_channel_describe (want);
          g_error ("imported channel differs:\n%s\nexpected\n%s", a, b);
        }
    }
  soma = d->sections->pdata[0];
  g_assert_cmpuint (soma->channels->len, ==, 3);
  g_assert_cmpfloat (g_array_index (soma->channels, NrtChannelInstance, 0).gmax, ==, 0.036);
  g_assert_cmpfloat (soma->e_ion[NRT_ION_K], ==, -77);
  g_assert_cmpfloat (soma->e_ion[NRT_ION_NA], ==, 55);
  g_assert_false (soma->mech[NRT_MECH_HH].inserted);
  {
    g_autofree char *text = round_trip (m, "foreign channels");
    g_assert_nonnull (strstr (text, "<ionChannelKS id=\"kks\""));
    g_assert_nonnull (strstr (text, "<neurite:channelType name=\"nap\""));
  }
  remove_tmp (path);
}

/* The NeuroML part alone carries a kinetic-scheme channel: the file written without its
 * Neurite annotation reads back (through the foreign-channel reader) to the same channel
 * when its states come closed first and sit where the importer lays them out (NeuroML has
 * no place for the order of open and closed states or for canvas positions). */
static void
test_schemes_without_annotation (void)
{
  g_autoptr (NrtModel) m = nrt_model_new ();
  g_autoptr (GError) e = NULL;
  g_autoptr (NrtChannel) ch = nrt_channel_new ("ksk");
  g_autoptr (NrtModel) back = NULL;
  g_autofree char *text = NULL, *stripped = NULL, *path = NULL;
  const NrtChannel *got;
  NrtKsScheme *ks;

  ch->ion = NRT_ION_K;
  ch->q10 = 3;
  ch->q10_temperature = 22;
  nrt_channel_add_gate (ch, "h", 1, NRT_GATE_INF_TAU, RATE_ (NRT_RATE_SIGMOID, 1, -0.125, -60),
                        RATE_ (NRT_RATE_CONSTANT, 12.5, 0, 0));
  ks = nrt_channel_add_scheme (ch, 2);
  /* closed states first, as NeuroML orders them */
  nrt_ks_scheme_add_state (ks, "C1", 0, 0, 60);
  nrt_ks_scheme_add_state (ks, "C2", 0, 60, 60);
  nrt_ks_scheme_add_state (ks, "O", 1, 120, 60);
  nrt_ks_scheme_add_transition (ks, 0, 2, NRT_GATE_ALPHA_BETA, RATE_ (NRT_RATE_LINOID, 0.1, 0.1, -40),
                                RATE_ (NRT_RATE_EXP, 0.05, -0.05, -65), NRT_ION_NONSPECIFIC, 1);
  nrt_ks_scheme_add_transition (ks, 2, 1, NRT_TRANS_LIGAND_INSIDE,
                                RATE_ (NRT_RATE_CONSTANT, 2000, 0, 0),
                                RATE_ (NRT_RATE_CONSTANT, 0.1, 0, 0), NRT_ION_CA, 3);
  nrt_ks_scheme_add_transition (ks, 1, 0, NRT_GATE_INF_TAU, RATE_ (NRT_RATE_SIGMOID, 1, -0.1, -45),
                                RATE_ (NRT_RATE_EXP, 5, -0.01, -60), NRT_ION_NONSPECIFIC, 1);
  g_assert_cmpint (nrt_model_add_section (m, "soma", NULL, 0, 20, 20, &e), ==, 0);
  g_assert_true (nrt_model_add_channel (m, ch, &e));
  g_assert_true (nrt_model_insert_mechanism (m, "soma", "ksk", &e));
  g_assert_true (nrt_model_set_mechanism_param (m, "soma", "gmax_ksk", 0.004, &e));
  g_assert_no_error (e);

  text = nrt_neuroml_write_string (m, &e);
  g_assert_no_error (e);
  stripped = strip_annotation (text);
  assert_schema_valid (stripped);
  path = tmp_file ("bare.nml", stripped);
  back = nrt_neuroml_read_file (path, &e);
  g_assert_no_error (e);
  got = nrt_model_get_data (back)->channels->pdata[0];
  /* The scheme is the second gateKS: the importer puts it at y = 60, x = 60 per state. */
  if (!nrt_channel_equal (got, ch))
    {
      g_autofree char *x = nrt_channel_describe (got);
      g_autofree char *y = nrt_channel_describe (ch);
      g_error ("read without annotation:\n%s\nexpected\n%s", x, y);
    }
  g_assert_cmpfloat (g_array_index (((NrtSection *) nrt_model_get_data (back)->sections->pdata[0])->channels,
                                    NrtChannelInstance, 0).gmax, ==, 0.004);
  remove_tmp (path);
}

/* KSChan's Borg-Graham pair on an HH gate and on a scheme transition: the annotation carries
 * it exactly (save → load → save byte-identical, schema-valid); other tools get generated
 * ComponentTypes, which Neurite itself reads (annotation stripped) as expression rates with
 * the same inf and τ at 6.3 and 22 °C. */
static void
test_round_trip_bg (void)
{
  g_autoptr (NrtModel) m = nrt_model_new ();
  g_autoptr (GError) e = NULL;
  g_autoptr (NrtChannel) ch = nrt_channel_new ("bgk");
  g_autoptr (NrtModel) back = NULL;
  g_autofree char *text = NULL, *stripped = NULL, *path = NULL;
  NrtRate inf = { 0 }, tau = { 0 };
  const NrtChannel *got;
  NrtKsScheme *ks;
  double worst = 0;

  ch->ion = NRT_ION_K;
  ch->gmax = 0.005;
  nrt_rate_set_bg (&inf, &tau, 0.2, -45, 3, 0.7, 0.5);
  nrt_channel_add_gate (ch, "n", 2, NRT_GATE_INF_TAU, &inf, &tau);
  ks = nrt_channel_add_scheme (ch, 1);
  nrt_ks_scheme_add_state (ks, "C", 0, 0, 60);
  nrt_ks_scheme_add_state (ks, "O", 1, 60, 60);
  nrt_rate_set_bg (&inf, &tau, 1.0 / 3.0, -20.125, 4, 0.45, 0.1);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_INF_TAU, &inf, &tau, NRT_ION_NONSPECIFIC, 1);
  g_assert_cmpint (nrt_model_add_section (m, "soma", NULL, 0, 20, 20, &e), ==, 0);
  g_assert_true (nrt_model_add_channel (m, ch, &e));
  g_assert_true (nrt_model_insert_mechanism (m, "soma", "bgk", &e));
  g_assert_no_error (e);

  text = round_trip (m, "borg-graham");
  g_assert_nonnull (strstr (text, "form0=\"7\""));
  g_assert_nonnull (strstr (text, "tau0_1=\"0.5\""));
  g_assert_nonnull (strstr (text, "<ComponentType name=\"neurite_bgk_n_bg_inf\""));
  g_assert_nonnull (strstr (text, "<steadyState type=\"neurite_bgk_n_bg_inf\"/>"));
  g_assert_nonnull (strstr (text, "<timeCourse type=\"neurite_bgk_C_O_bg_tau\"/>"));

  stripped = strip_annotation (text);
  assert_schema_valid (stripped);
  path = tmp_file ("bare.nml", stripped);
  back = nrt_neuroml_read_file (path, &e);
  g_assert_no_error (e);
  got = nrt_model_get_data (back)->channels->pdata[0];
  g_assert_cmpstr (got->name, ==, "bgk");
  /* the importer makes the two-state inf/τ gateKS an HH gate after n */
  g_assert_cmpuint (got->gates->len, ==, 2);
  for (int c = 0; c < 2; c++)
    for (double v = -100; v <= 50; v += 7.5)
      {
        double celsius = c ? 22 : 6.3, i0, t0, i1, t1;
        nrt_gate_inf_tau_at (ch->gates->pdata[0], v, celsius, 1, &i0, &t0);
        nrt_gate_inf_tau_at (got->gates->pdata[0], v, celsius, 1, &i1, &t1);
        worst = MAX (worst, MAX (fabs (i1 - i0), fabs (t1 - t0) / t0));
        {
          const NrtKsTransition *tr = &g_array_index (ks->transitions, NrtKsTransition, 0);
          i0 = nrt_rate_eval_at (&tr->rate[0], v, celsius);
          t0 = nrt_rate_eval_at (&tr->rate[1], v, celsius);
        }
        nrt_gate_inf_tau_at (got->gates->pdata[1], v, celsius, 1, &i1, &t1);
        worst = MAX (worst, MAX (fabs (i1 - i0), fabs (t1 - t0) / t0));
      }
  g_test_message ("Borg-Graham read from the generated ComponentTypes: max |Δinf|, |Δτ|/τ = %.3g",
                  worst);
  g_assert_cmpfloat (worst, <=, 1e-12);
  remove_tmp (path);
}

/* Channels with expression rates keep their library defaults (gmax, erev, q10) and come back
 * even when no section uses them: the annotation's entry (rates="neuroml") points at the
 * ionChannelHH, whose rates name the generated ComponentTypes. */
static void
test_round_trip_custom_defaults (void)
{
  g_autoptr (NrtModel) m = nrt_model_new ();
  g_autoptr (GError) e = NULL;
  g_autoptr (NrtChannel) used = nrt_channel_new ("exu");
  g_autoptr (NrtChannel) unused = nrt_channel_new ("exn");
  g_autoptr (NrtRateFunc) fa = nrt_rate_func_new_expression ("0.1 * exp((v + 40) / 20)", &e);
  g_autoptr (NrtRateFunc) fb = nrt_rate_func_new_expression ("0.2 * exp(-(v + 40) / 25) * celsius / 6.3", &e);
  NrtRate a, b;
  const NrtModelData *d;
  g_autofree char *text = NULL;

  g_assert_no_error (e);
  a = nrt_rate_new_func (fa);
  b = nrt_rate_new_func (fb);
  used->ion = NRT_ION_K;
  used->gmax = 0.0125;
  used->q10 = 2;
  used->q10_temperature = 22;
  nrt_channel_add_gate (used, "m", 3, NRT_GATE_ALPHA_BETA, &a, &b);
  unused->gmax = 0.007;
  unused->erev = -33.5;
  nrt_channel_add_gate (unused, "h", 1, NRT_GATE_ALPHA_BETA, &b, &a);
  nrt_rate_clear (&a);
  nrt_rate_clear (&b);
  g_assert_cmpint (nrt_model_add_section (m, "soma", NULL, 0, 20, 20, &e), ==, 0);
  g_assert_true (nrt_model_add_channel (m, used, &e));
  g_assert_true (nrt_model_add_channel (m, unused, &e));
  g_assert_true (nrt_model_insert_mechanism (m, "soma", "exu", &e));
  g_assert_true (nrt_model_set_mechanism_param (m, "soma", "gmax_exu", 0.02, &e));
  g_assert_no_error (e);

  /* round_trip compares the models (library defaults and the unused channel included) */
  text = round_trip (m, "custom-defaults");
  g_assert_nonnull (strstr (text, "<neurite:channelType name=\"exn\" ion=\"NonSpecific\""));
  g_assert_nonnull (strstr (text, "rates=\"neuroml\"/>"));
  d = nrt_model_get_data (m);
  g_assert_cmpuint (d->channels->len, ==, 2);
}

/* Channel files: the presets, a ligand scheme and a single-channel point channel written on
 * their own validate and read back equal; a write → read → write is byte-identical; the
 * NeuroML documentation's HH potassium channel reads as a ChannelBuilder channel equal to the
 * khh preset but for its name; a duplicate name is refused. */
static void
test_channel_files (void)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (NrtChannel) na = nrt_channel_new_hh_na ();
  g_autoptr (NrtChannel) kca = nrt_channel_new ("kca");
  g_autoptr (NrtChannel) pk = nrt_channel_new ("pk");
  g_autoptr (GPtrArray) back = NULL;
  g_autofree char *text = NULL, *again = NULL, *path = NULL;
  NrtKsScheme *ks;

  na->q10 = 3;
  kca->ion = NRT_ION_K;
  kca->gmax = 0.002;
  ks = nrt_channel_add_scheme (kca, 1);
  nrt_ks_scheme_add_state (ks, "C1", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, "C2", 0.25, 50, 0);
  nrt_ks_scheme_add_state (ks, "O", 1, 100, 0);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_ALPHA_BETA, RATE_ (NRT_RATE_LINOID, 0.1, 0.1, -40),
                                RATE_ (NRT_RATE_EXP, 0.05, -1.0 / 20, -65), NRT_ION_NONSPECIFIC, 1);
  nrt_ks_scheme_add_transition (ks, 1, 2, NRT_TRANS_LIGAND_INSIDE,
                                RATE_ (NRT_RATE_CONSTANT, 2000, 0, 0),
                                RATE_ (NRT_RATE_CONSTANT, 0.1, 0, 0), NRT_ION_CA, 2);
  pk->kind = NRT_CHANNEL_POINT;
  pk->single = TRUE;
  pk->erev = -80;
  ks = nrt_channel_add_scheme (pk, 1);
  nrt_ks_scheme_add_state (ks, "C", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, "O", 1, 50, 0);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_ALPHA_BETA, RATE_ (NRT_RATE_EXP, 0.2, 0.05, -40),
                                RATE_ (NRT_RATE_SIGMOID, 0.4, 0.1, -50), NRT_ION_NONSPECIFIC, 1);
  {
    const NrtChannel *list[] = { na, kca, pk };
    text = nrt_neuroml_write_channels_string (list, 3, &e);
    g_assert_no_error (e);
    assert_schema_valid (text);
    g_assert_nonnull (strstr (text, "<ionChannelHH id=\"nahh\" species=\"na\""));
    g_assert_nonnull (strstr (text, "<ionChannelKS id=\"kca\" species=\"k\""));
    path = tmp_file ("channels.nml", text);
    back = nrt_neuroml_read_channels (path, &e);
    g_assert_no_error (e);
    g_assert_cmpuint (back->len, ==, 3);
    for (guint i = 0; i < 3; i++)
      g_assert_true (nrt_channel_equal (back->pdata[i], list[i]));
    again = nrt_neuroml_write_channels_string ((const NrtChannel *const *) back->pdata, back->len,
                                               &e);
    g_assert_cmpstr (again, ==, text);
    remove_tmp (path);

    const NrtChannel *twice[] = { kca, kca };
    g_assert_null (nrt_neuroml_write_channels_string (twice, 2, &e));
    g_assert_error (e, NRT_MODEL_ERROR, NRT_MODEL_ERROR_DUPLICATE_NAME);
    g_clear_error (&e);
  }
  if (have_shared ())
    {
      g_autofree char *doc = shared_file ("Documentation/NML2_examples/HH_example_k_channel.nml");
      g_autoptr (GPtrArray) k = nrt_neuroml_read_channels (doc, &e);
      g_autoptr (NrtChannel) khh = nrt_channel_new_hh_k ();
      g_assert_no_error (e);
      g_assert_cmpuint (k->len, ==, 1);
      g_free (khh->name);
      khh->name = g_strdup ("k_channel");
      /* scale -80 mV gives k = -0.0125 = -1/80 exactly */
      g_assert_true (nrt_channel_equal (k->pdata[0], khh));
    }
}

/* A model edited after loading still round-trips (no stale annotation). */
static void
test_round_trip_edited (void)
{
  g_autoptr (NrtModel) m = nrt_io_build_kitchen_sink ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (nrt_model_rename_section (m, "dend[2]", "oblique", &error));
  g_assert_true (nrt_model_remove_subset (m, "axonal", &error));
  g_assert_true (nrt_model_uninsert_mechanism (m, "soma", "pas", &error));
  g_assert_true (nrt_model_set_section_diam (m, "axon", 0.1 + 0.2, &error));
  g_assert_no_error (error);
  text = round_trip (m, "edited");
}

/* The committed files in models/ are exactly what the writer makes of the validation cases. */
static void
test_models_up_to_date (gconstpointer data)
{
  const NrtIoExample *ex = data;
  g_autoptr (NrtModel) m = ex->build ();
  g_autofree char *path = g_build_filename (NRT_SOURCE_ROOT, "models", ex->file, NULL);
  g_autofree char *committed = NULL;
  g_autofree char *written = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) loaded = NULL;

  g_assert_true (g_file_get_contents (path, &committed, NULL, &error));
  written = nrt_neuroml_write_string (m, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (committed, ==, written);
  loaded = nrt_neuroml_read_file (path, &error);
  g_assert_no_error (error);
  g_assert_true (nrt_model_data_equal (nrt_model_get_data (m), nrt_model_get_data (loaded)));
  /* Geometry comes back as L/diam, not as float 3-D points. */
  for (guint i = 0; i < nrt_model_get_n_sections (loaded); i++)
    {
      const NrtSection *s = nrt_model_get_section (loaded, i);
      g_assert_true (s->pt3d == NULL || s->pt3d->len == 0);
    }
}

/* ---------------------------------------------------------------- official examples */

static GArray *
run_spikes (NrtModel *m, const char *record, double tstop, double dt)
{
  g_autoptr (GError) error = NULL;
  NrtRunSettings st = nrt_model_get_data (m)->settings;

  st.tstop = tstop;
  st.dt = dt;
  g_assert_true (nrt_model_set_settings (m, &st, &error));
  return nrt_io_spike_times (m, record);
}


typedef struct {
  const char *file;
  const char *cell;
  guint n_sections;
  const char *first_section;
  const char *ref;       /* case in nml_examples.json, or NULL */
  double tstop, dt;      /* for the reference run (0: the file's settings) */
} Official;

static const Official officials[] = {
  { "NeuroML2/examples/NML2_SingleCompHHCell.nml", "hhcell", 1, "soma", NULL, 0, 0 },
  { "NeuroML2/examples/NML2_MultiCompCellNetwork.nml", "MultiCompCell", 3, "soma", "NML2_MultiCompCellNetwork", 150, 0.025 },
  { "NeuroML2/LEMSexamples/LEMS_NML2_Ex5_DetCell.xml", "hhcell", 1, "soma", "LEMS_NML2_Ex5_DetCell", 300, 0.01 },
  { "Documentation/NML2_examples/HH_example_cell.nml", "hh_cell", 1, "soma", NULL, 0, 0 },
  { "Documentation/NML2_examples/HH_example_net.nml", "hh_cell", 1, "soma", NULL, 0, 0 },
  { "Documentation/NML2_examples/LEMS_HH_single_compartment_example_sim.xml", "hh_cell", 1, "soma",
    "LEMS_HH_single_compartment_example_sim", 300, 0.01 },
};

static void
test_official (gconstpointer data)
{
  const Official *o = data;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) m = NULL;
  g_autoptr (GArray) spikes = NULL;
  const NrtModelData *d;
  gboolean skipped;

  if (!have_shared ())
    return;
  path = shared_file (o->file);
  g_assert_true (nrt_neuroml_validate_file_full (path, &skipped, &error));
  g_assert_no_error (error);
  g_assert_false (skipped);
  m = nrt_neuroml_read_file (path, &error);
  g_assert_no_error (error);
  d = nrt_model_get_data (m);
  g_assert_cmpstr (d->name, ==, o->cell);
  g_assert_cmpuint (d->sections->len, ==, o->n_sections);
  g_assert_cmpstr (((NrtSection *) d->sections->pdata[0])->name, ==, o->first_section);
  g_assert_true (((NrtSection *) d->sections->pdata[0])->mech[NRT_MECH_HH].inserted);
  g_assert_false (d->settings.hh_use_table);
  if (g_str_has_suffix (o->file, ".xml"))
    {
      g_assert_cmpfloat (d->settings.tstop, ==, 300);
      g_assert_cmpfloat (d->settings.dt, ==, 0.01);
    }
  /* What Neurite writes of it validates and reads back the same. */
  {
    g_autofree char *text = round_trip (m, o->file);
  }
  /* A few ms of simulation, no NaN. */
  g_array_unref (run_spikes (m, "soma(0.5).v", 5, 0.025));
  if (o->ref != NULL)
    {
      g_autoptr (GArray) ref = nrt_io_reference_spikes (o->ref);
      spikes = run_spikes (m, "soma(0.5).v", o->tstop, o->dt);
      g_assert_cmpuint (spikes->len, ==, ref->len);
      g_assert_cmpuint (ref->len, >, 0);
      for (guint i = 0; i < ref->len; i++)
        g_assert_cmpfloat_with_epsilon (g_array_index (spikes, double, i),
                                        g_array_index (ref, double, i), 1e-4);
    }
}

static void
test_multicomp_foreign_kept (void)
{
  g_autofree char *path = NULL;
  g_autofree char *orig = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) m = NULL;
  const NrtModelData *d;
  static const char *const verbatim[] = {
    "<expTwoSynapse id=\"AMPA\" tauRise=\"3e-5s\" tauDecay=\"0.5e-3s\" gbase=\".3nS\" erev=\"0V\"/>",
    "<projection id=\"projAMPA\"", "<projection id=\"projNMDA\"", "<blockingPlasticSynapse id=\"NMDA\"",
    "<connection id=\"4\" preCellId=\"../pop0/2/MultiCompCell\" postCellId=\"../pop0/1/MultiCompCell\" preSegmentId=\"0\" preFractionAlong=\"0.5\" postSegmentId=\"3\" postFractionAlong=\"0.25\"/>",
    "<inputList id=\"stimInput2\" component=\"pulseGen3\" population=\"pop0\">",
    "<pulseGenerator id=\"pulseGen3\" delay=\"30ms\" duration=\"100ms\" amplitude=\"0.18nA\"/>",
    "<population id=\"pop0\" type=\"populationList\" component=\"MultiCompCell\">",
  };

  if (!have_shared ())
    return;
  path = shared_file ("NeuroML2/examples/NML2_MultiCompCellNetwork.nml");
  g_assert_true (g_file_get_contents (path, &orig, NULL, NULL));
  m = nrt_neuroml_read_file (path, &error);
  g_assert_no_error (error);
  d = nrt_model_get_data (m);
  g_assert_cmpstr (((NrtSection *) d->sections->pdata[1])->name, ==, "dendSec1");
  g_assert_cmpint (((NrtSection *) d->sections->pdata[2])->nseg, ==, 9);
  g_assert_cmpfloat (((NrtSection *) d->sections->pdata[2])->Ra, ==, 100000);
  g_assert_cmpuint (d->point_processes->len, ==, 1);  /* pulseGen2 on instance 0 */
  g_assert_cmpint (nrt_model_find_subset (m, "dendrite_group"), >, 0);
  text = nrt_neuroml_write_string (m, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (verbatim); i++)
    {
      g_assert_nonnull (strstr (orig, verbatim[i]));
      g_assert_nonnull (strstr (text, verbatim[i]));
    }
  g_free (round_trip (m, "MultiCompCellNetwork"));
}

/* ---------------------------------------------------------------- errors */

static char *
tmp_file (const char *name, const char *text)
{
  g_autofree char *dir = g_dir_make_tmp ("nrt-io-XXXXXX", NULL);
  char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
remove_tmp (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_error_codes (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) m = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *malformed = g_build_filename (NRT_SOURCE_ROOT, "tests", "malformed", NULL);

  m = nrt_neuroml_read_file ("/nonexistent/x.nml", &error);
  g_assert_null (m);
  g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  path = g_build_filename (malformed, "01-not-well-formed.nml", NULL);
  g_assert_null (nrt_neuroml_read_file (path, &error));
  g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_clear_error (&error);
  g_clear_pointer (&path, g_free);

  path = g_build_filename (malformed, "07-unknown-parent.nml", NULL);
  g_assert_null (nrt_neuroml_read_file (path, &error));
  g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&path, g_free);

  path = g_build_filename (malformed, "12-unknown-channel.nml", NULL);
  g_assert_null (nrt_neuroml_read_file (path, &error));
  g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_clear_pointer (&path, g_free);

  /* Readable by Neurite but out of schema order: only the XSD catches it. */
  {
    g_autoptr (NrtModel) sh = nrt_io_examples[0].build ();
    g_autofree char *nml = nrt_neuroml_write_string (sh, &error);
    g_autofree char *moved = NULL;
    char *pg = strstr (nml, "  <pulseGenerator");
    char *pg_end = strstr (pg, "\n") + 1;
    g_autofree char *pg_line = g_strndup (pg, pg_end - pg);
    memmove (pg, pg_end, strlen (pg_end) + 1);
    moved = g_strdup_printf ("%.*s%s</neuroml>\n", (int) (strstr (nml, "</neuroml>") - nml), nml, pg_line);
    g_clear_pointer (&path, g_free);
    path = tmp_file ("order.nml", moved);
    m = nrt_neuroml_read_file (path, &error);
    g_assert_no_error (error);
    g_clear_object (&m);
    if (have_shared ())
      {
        g_assert_false (nrt_neuroml_validate_file (path, &error));
        g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_SCHEMA);
        g_assert_nonnull (strstr (error->message, "order.nml:"));
        g_clear_error (&error);
      }
    remove_tmp (path);
  }

  {
    g_autoptr (NrtModel) sh = nrt_io_examples[0].build ();
    g_assert_false (nrt_neuroml_write_file (sh, "/nonexistent-dir/x.nml", &error));
    g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_WRITE);
    g_clear_error (&error);
  }
  {
    g_autoptr (NrtModel) empty = nrt_model_new ();
    g_assert_null (nrt_neuroml_write_string (empty, &error));
    g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_UNSUPPORTED);
    g_clear_error (&error);
  }
}

/* Without a schema, validation still runs Neurite's own checks. */
static void
test_schema_absent (void)
{
  g_autofree char *path = g_build_filename (NRT_SOURCE_ROOT, "models", "soma-hh.nml", NULL);
  g_autofree char *bad = g_build_filename (NRT_SOURCE_ROOT, "tests", "malformed", "08-cycle.nml", NULL);
  g_autoptr (GError) error = NULL;
  gboolean skipped = FALSE;
  g_autofree char *saved = g_strdup (g_getenv ("NEURITE_NEUROML_XSD"));

  g_setenv ("NEURITE_NEUROML_XSD", "/nonexistent/schema.xsd", TRUE);
  g_assert_true (nrt_neuroml_validate_file_full (path, &skipped, &error));
  g_assert_no_error (error);
  g_assert_true (skipped);
  g_assert_false (nrt_neuroml_validate_file (bad, &error));
  g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_INVALID);
  if (saved)
    g_setenv ("NEURITE_NEUROML_XSD", saved, TRUE);
  else
    g_unsetenv ("NEURITE_NEUROML_XSD");
}

/* ---------------------------------------------------------------- malformed corpus via the CLI */

static void
test_malformed_corpus (void)
{
  const char *cli = g_getenv ("NEURITE_CLI");
  g_autofree char *dir = g_build_filename (NRT_SOURCE_ROOT, "tests", "malformed", NULL);
  g_autofree char *table = g_build_filename (dir, "EXPECTED.txt", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GRegex) form = g_regex_new ("^[^\\n]+:[0-9]+: [^\\n]+\\n$", 0, 0, NULL);
  guint n = 0;

  if (cli == NULL)
    {
      g_test_skip ("NEURITE_CLI is not set");
      return;
    }
  g_assert_true (g_file_get_contents (table, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto (GStrv) f = NULL;
      g_autofree char *file = NULL;
      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      f = g_strsplit (lines[i], "\t", 2);
      g_assert_nonnull (f[1]);
      file = g_build_filename (dir, f[0], NULL);
      for (int c = 0; c < 2; c++)
        {
          const char *argv[] = { cli, c == 0 ? "validate" : "run", file, NULL };
          g_autofree char *out = NULL;
          g_autofree char *err = NULL;
          g_autoptr (GError) error = NULL;
          int status;
          g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                       &out, &err, &status, &error));
          g_assert_no_error (error);
          if (!g_spawn_check_wait_status (status, NULL) && WIFEXITED (status) && WEXITSTATUS (status) == 2
              && g_regex_match (form, err, 0, NULL) && g_str_has_prefix (err, file)
              && strstr (err, f[1]) != NULL)
            continue;
          g_error ("%s %s: status %d, stderr \"%s\", expected \"%s\"", argv[1], f[0], status, err, f[1]);
        }
      n++;
    }
  g_assert_cmpuint (n, >=, 20);
}

/* KSChan table rates (α/β gate, inf/τ gate, scheme transition): exact in the annotation,
 * generated expression ComponentTypes for other tools; read back equal and written again
 * byte for byte. */
static void
test_table_round_trip (void)
{
  g_autoptr(GError) e = NULL;
  const double y[5] = { 0.1, 0.5, 2.0, 1.0 / 3.0, 7.25 };
  const double w[3] = { 0.9, 0.4, 0.05 };
  g_autoptr(NrtRateFunc) f = nrt_rate_func_new_table (y, 5, -80, 20, &e);
  g_autoptr(NrtRateFunc) g = nrt_rate_func_new_table (w, 3, -70.5, 30, &e);
  g_autoptr(NrtChannel) ch = nrt_channel_new ("tab");
  g_autoptr(GPtrArray) back = NULL;
  g_autofree char *text = NULL, *again = NULL, *path = NULL;
  const NrtChannel *list[1] = { ch };
  NrtRate a, b = { NRT_RATE_CONSTANT, 0.2, 0, 0 }, inf, tau = { NRT_RATE_EXP, 2, 0.01, -50 };
  NrtKsScheme *ks;

  g_assert_no_error (e);
  a = nrt_rate_new_func (f);
  inf = nrt_rate_new_func (g);
  ch->ion = NRT_ION_K;
  ch->gmax = 0.01;
  ch->erev = -77;
  nrt_channel_add_gate (ch, "m", 1, NRT_GATE_ALPHA_BETA, &a, &b);
  nrt_channel_add_gate (ch, "h", 1, NRT_GATE_INF_TAU, &inf, &a);
  ks = nrt_channel_add_scheme (ch, 1);
  nrt_ks_scheme_add_state (ks, "C", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, "O", 1, 10, 0);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_INF_TAU, &inf, &tau, NRT_ION_NONSPECIFIC, 1);
  nrt_rate_clear (&a);
  nrt_rate_clear (&inf);
  text = nrt_neuroml_write_channels_string (list, 1, &e);
  g_assert_no_error (e);
  assert_schema_valid (text);
  g_assert_nonnull (strstr (text, "values0=\"0.1 0.5 2 0.333"));
  g_assert_nonnull (strstr (text, "<ComponentType name=\"neurite_tab_m_alpha_table\""));
  g_assert_nonnull (strstr (text, "<ComponentType name=\"neurite_tab_h_tau_table\""));
  path = tmp_file ("table.nml", text);
  back = nrt_neuroml_read_channels (path, &e);
  g_assert_no_error (e);
  g_assert_cmpuint (back->len, ==, 1);
  g_assert_true (nrt_channel_equal (back->pdata[0], ch));
  again = nrt_neuroml_write_channels_string ((const NrtChannel *const *) back->pdata, back->len,
                                             &e);
  g_assert_no_error (e);
  g_assert_cmpstr (again, ==, text);
  remove_tmp (path);
  {
    /* Without the annotation, as other tools see it: the generated ComponentType is the same
     * piecewise-linear function (within rounding), clamped outside the grid. */
    g_autofree char *plain = strip_annotation (text);
    g_autofree char *ppath = NULL;
    g_autoptr(GPtrArray) other = NULL;
    const NrtGate *m;
    const double vs[] = { -100, -80, -77.5, -55, -30, -5, 0, 19.99, 20, 50 };
    double max_err = 0;

    ppath = tmp_file ("table-plain.nml", plain);
    other = nrt_neuroml_read_channels (ppath, &e);
    g_assert_no_error (e);
    g_assert_cmpuint (other->len, ==, 1);
    m = ((const NrtChannel *) other->pdata[0])->gates->pdata[0];
    for (guint i = 0; i < G_N_ELEMENTS (vs); i++)
      {
        double want = nrt_rate_eval (&((const NrtGate *) ch->gates->pdata[0])->rate[0], vs[i]);
        max_err = MAX (max_err, fabs (nrt_rate_eval (&m->rate[0], vs[i]) - want));
      }
    g_test_message ("table as a generated ComponentType: max |Δα| = %.3g /ms", max_err);
    g_assert_cmpfloat (max_err, <=, 1e-12);
    remove_tmp (ppath);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/io/units/parse", test_units);
  g_test_add_func ("/io/units/format", test_format);
  for (const NrtIoExample *ex = nrt_io_examples; ex->file; ex++)
    {
      g_autofree char *p1 = g_strdup_printf ("/io/round-trip/%s", ex->file);
      g_autofree char *p2 = g_strdup_printf ("/io/models-up-to-date/%s", ex->file);
      g_test_add_data_func (p1, ex, test_round_trip_example);
      g_test_add_data_func (p2, ex, test_models_up_to_date);
    }
  g_test_add_func ("/io/round-trip/kitchen-sink", test_round_trip_kitchen_sink);
  g_test_add_func ("/io/round-trip/cell-builder", test_round_trip_cell_builder);
  g_test_add_func ("/io/round-trip/edited", test_round_trip_edited);
  g_test_add_func ("/io/round-trip/channels", test_round_trip_channels);
  g_test_add_func ("/io/round-trip/spec-channels", test_round_trip_spec_channels);
  g_test_add_func ("/io/round-trip/schemes", test_round_trip_schemes);
  g_test_add_func ("/io/round-trip/borg-graham", test_round_trip_bg);
  g_test_add_func ("/io/round-trip/custom-defaults", test_round_trip_custom_defaults);
  g_test_add_func ("/io/foreign/channels", test_foreign_channels);
  g_test_add_func ("/io/foreign/schemes-without-annotation", test_schemes_without_annotation);
  g_test_add_func ("/io/channel-files", test_channel_files);
  for (guint i = 0; i < G_N_ELEMENTS (officials); i++)
    {
      g_autofree char *p = g_strdup_printf ("/io/official/%s", strrchr (officials[i].file, '/') + 1);
      g_test_add_data_func (p, &officials[i], test_official);
    }
  g_test_add_func ("/io/official/multicomp-foreign-kept", test_multicomp_foreign_kept);
  g_test_add_func ("/io/errors/codes", test_error_codes);
  g_test_add_func ("/io/channel-table-round-trip", test_table_round_trip);
  g_test_add_func ("/io/errors/schema-absent", test_schema_absent);
  g_test_add_func ("/io/errors/malformed-corpus", test_malformed_corpus);
  return g_test_run ();
}
