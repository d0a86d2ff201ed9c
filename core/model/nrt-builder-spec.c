/* nrt-builder-spec.c: the CellBuilder's geometry and biophysics specifications as values.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Construction, copying, comparison and NEURON's rules on which geometric kinds combine
 * (celgeom.hoc geo_consist).  Applying specs to a model lives in nrt-model.c.
 */
#include "nrt-model.h"
#include "nrt-model-private.h"

#include <string.h>

static GArray *
array_copy_or_null (const GArray *a)
{
  return a != NULL ? g_array_copy ((GArray *) a) : NULL;
}

static gboolean
arrays_equal (const GArray *a, const GArray *b)
{
  guint na = a ? a->len : 0, nb = b ? b->len : 0;
  if (na != nb)
    return FALSE;
  return na == 0 || memcmp (a->data, b->data, na * sizeof (double)) == 0;
}

NrtGeometrySpec *
nrt_geometry_spec_new (const char *target)
{
  NrtGeometrySpec *spec = g_new0 (NrtGeometrySpec, 1);

  g_return_val_if_fail (target != NULL, NULL);
  /* The CellBuilder's editor defaults (reference/neuron-gui.md §1.3). */
  spec->target = g_strdup (target);
  spec->L = 100.0;
  spec->diam = 1.0;
  spec->area = 100.0;
  spec->nseg = 1.0;
  spec->d_lambda = 0.1;
  spec->d_X = 50.0;
  return spec;
}

NrtGeometrySpec *
nrt_geometry_spec_copy (const NrtGeometrySpec *src)
{
  g_return_val_if_fail (src != NULL, NULL);
  NrtGeometrySpec *spec = g_memdup2 (src, sizeof *spec);
  spec->target = g_strdup (src->target);
  spec->distinct_L = array_copy_or_null (src->distinct_L);
  spec->distinct_diam = array_copy_or_null (src->distinct_diam);
  return spec;
}

void
nrt_geometry_spec_free (NrtGeometrySpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->target);
  g_clear_pointer (&spec->distinct_L, g_array_unref);
  g_clear_pointer (&spec->distinct_diam, g_array_unref);
  g_free (spec);
}

gboolean
nrt_geometry_spec_equal (const NrtGeometrySpec *a, const NrtGeometrySpec *b)
{
  return g_strcmp0 (a->target, b->target) == 0 && a->kinds == b->kinds && a->L == b->L
         && a->diam == b->diam && a->area == b->area && a->nseg == b->nseg
         && a->d_lambda == b->d_lambda && a->d_X == b->d_X
         && arrays_equal (a->distinct_L, b->distinct_L)
         && arrays_equal (a->distinct_diam, b->distinct_diam);
}

static void
channel_entry_clear (gpointer p)
{
  g_free (((NrtBiophysicsChannel *) p)->name);
}

static GArray *
channels_new (void)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (NrtBiophysicsChannel));
  g_array_set_clear_func (a, channel_entry_clear);
  return a;
}

NrtBiophysicsSpec *
nrt_biophysics_spec_new (const char *target)
{
  NrtBiophysicsSpec *spec = g_new0 (NrtBiophysicsSpec, 1);

  g_return_val_if_fail (target != NULL, NULL);
  spec->target = g_strdup (target);
  spec->Ra = 35.4;
  spec->cm = 1.0;
  spec->channels = channels_new ();
  for (int m = 0; m < NRT_N_MECH; m++)
    {
      const NrtMechanismInfo *info = nrt_mechanism_info (m);
      for (guint p = 0; p < info->n_params; p++)
        spec->mech[m].p[p] = info->params[p].def;
    }
  return spec;
}

NrtBiophysicsSpec *
nrt_biophysics_spec_copy (const NrtBiophysicsSpec *src)
{
  g_return_val_if_fail (src != NULL, NULL);
  NrtBiophysicsSpec *spec = g_memdup2 (src, sizeof *spec);
  spec->target = g_strdup (src->target);
  spec->channels = channels_new ();
  for (guint i = 0; src->channels != NULL && i < src->channels->len; i++)
    {
      NrtBiophysicsChannel c = g_array_index (src->channels, NrtBiophysicsChannel, i);
      c.name = g_strdup (c.name);
      g_array_append_val (spec->channels, c);
    }
  return spec;
}

void
nrt_biophysics_spec_free (NrtBiophysicsSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->target);
  g_clear_pointer (&spec->channels, g_array_unref);
  g_free (spec);
}

NrtBiophysicsChannel *
nrt_biophysics_spec_find_channel (const NrtBiophysicsSpec *spec, const char *name)
{
  g_return_val_if_fail (spec != NULL, NULL);
  for (guint i = 0; spec->channels != NULL && i < spec->channels->len; i++)
    {
      NrtBiophysicsChannel *c = &g_array_index (spec->channels, NrtBiophysicsChannel, i);
      if (g_strcmp0 (c->name, name) == 0)
        return c;
    }
  return NULL;
}

NrtBiophysicsChannel *
nrt_biophysics_spec_set_channel (NrtBiophysicsSpec *spec, const char *name, double gmax,
                                 double e)
{
  NrtBiophysicsChannel *c;

  g_return_val_if_fail (spec != NULL && name != NULL, NULL);
  if (spec->channels == NULL)
    spec->channels = channels_new ();
  c = nrt_biophysics_spec_find_channel (spec, name);
  if (c == NULL)
    {
      NrtBiophysicsChannel fresh = { g_strdup (name), gmax, e };
      g_array_append_val (spec->channels, fresh);
      c = &g_array_index (spec->channels, NrtBiophysicsChannel, spec->channels->len - 1);
    }
  c->gmax = gmax;
  c->e = e;
  return c;
}

gboolean
nrt_biophysics_spec_remove_channel (NrtBiophysicsSpec *spec, const char *name)
{
  g_return_val_if_fail (spec != NULL, FALSE);
  for (guint i = 0; spec->channels != NULL && i < spec->channels->len; i++)
    if (g_strcmp0 (g_array_index (spec->channels, NrtBiophysicsChannel, i).name, name) == 0)
      {
        g_array_remove_index (spec->channels, i);
        return TRUE;
      }
  return FALSE;
}

gboolean
nrt_biophysics_spec_equal (const NrtBiophysicsSpec *a, const NrtBiophysicsSpec *b)
{
  if (g_strcmp0 (a->target, b->target) != 0 || a->has_Ra != b->has_Ra || a->has_cm != b->has_cm
      || (a->has_Ra && a->Ra != b->Ra) || (a->has_cm && a->cm != b->cm))
    return FALSE;
  for (int m = 0; m < NRT_N_MECH; m++)
    {
      if (a->mech[m].inserted != b->mech[m].inserted)
        return FALSE;
      if (a->mech[m].inserted
          && memcmp (a->mech[m].p, b->mech[m].p,
                     nrt_mechanism_info (m)->n_params * sizeof (double)) != 0)
        return FALSE;
    }
  guint na = a->channels ? a->channels->len : 0, nb = b->channels ? b->channels->len : 0;
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    {
      const NrtBiophysicsChannel *x = &g_array_index (a->channels, NrtBiophysicsChannel, i);
      const NrtBiophysicsChannel *y = &g_array_index (b->channels, NrtBiophysicsChannel, i);
      if (g_strcmp0 (x->name, y->name) != 0 || memcmp (&x->gmax, &y->gmax, sizeof x->gmax) != 0
          || memcmp (&x->e, &y->e, sizeof x->e) != 0)
        return FALSE;
    }
  return TRUE;
}

gboolean
nrt_geometry_kinds_consistent (guint kinds, gboolean target_is_subset, GError **error)
{
  const guint grid = NRT_GEO_NSEG | NRT_GEO_D_LAMBDA | NRT_GEO_D_X;
  const guint shape = kinds & ~grid;
  const char *why = NULL;

  if (kinds & ~(guint) (NRT_GEO_L | NRT_GEO_DIAM | NRT_GEO_DISTINCT_L | NRT_GEO_DISTINCT_DIAM
                        | NRT_GEO_AREA | NRT_GEO_CIRCUIT | grid))
    why = "unknown geometry kind";
  else if (!target_is_subset && (kinds & (NRT_GEO_DISTINCT_L | NRT_GEO_DISTINCT_DIAM)))
    why = "distinct values are only for subsets: a single section has one L and one diam";
  else if ((kinds & NRT_GEO_L) && (kinds & NRT_GEO_DISTINCT_L))
    why = "L is either constant over the subset or distinct per section, not both";
  else if ((kinds & NRT_GEO_DIAM) && (kinds & NRT_GEO_DISTINCT_DIAM))
    why = "diam is either constant over the subset or distinct per section, not both";
  else if ((shape & NRT_GEO_AREA) && shape != NRT_GEO_AREA)
    why = "area sets both L and diam, so it excludes every other geometric kind";
  else if ((shape & NRT_GEO_CIRCUIT) && shape != NRT_GEO_CIRCUIT)
    why = "circuit sets both L and diam, so it excludes every other geometric kind";
  else if (__builtin_popcount (kinds & grid) > 1)
    why = "nseg, d_lambda and d_X are different ways to set nseg: choose one";

  if (why != NULL)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   "These geometry choices cannot be combined: %s", why);
      return FALSE;
    }
  return TRUE;
}
