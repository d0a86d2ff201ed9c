/* nrt-model.c: the Neurite document, its validation and its undo history.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every mutator follows the same three steps: validate everything first (so a failure leaves
 * the model untouched), snapshot the data for undo, then apply and emit ::changed.  Undo
 * keeps whole snapshots of NrtModelData, which make undo exact by construction, including
 * edits that renumber sections or point processes; snapshots share the sections an edit does
 * not change (SectionBox below), so a file read's hundreds of edits stay cheap.  Sections and
 * subsets are found by name through hash maps (NameIndex).
 */
#include "nrt-model.h"
#include "nrt-model-private.h"

#include <math.h>
#include <string.h>

#define MAX_UNDO 500
#define MAX_NSEG 32767

typedef struct
{
  GHashTable *map;    /* char* (borrowed) → GINT_TO_POINTER (index + 1) */
  gboolean    valid;
} NameIndex;

struct _NrtModel
{
  GObject       parent_instance;

  NrtModelData  data;        /* the truth; its address never changes */
  GPtrArray    *undo;        /* of Snapshot*, oldest first */
  GPtrArray    *redo;        /* of Snapshot*, next redo last */
  int           group_depth;
  gboolean      group_snapshotted;
  guint64       state_id;
  guint64       next_state_id;
  guint64       saved_state_id;
  /* Name → index maps of data.sections and data.subsets, so lookups are O(1) and importing n
   * sections is O(n).  Keys are borrowed from the items' names.  A map is dropped (valid =
   * FALSE) by every change that renames, removes or reorders items or swaps the data, and
   * rebuilt by the next lookup; additions extend a valid map in place. */
  NameIndex     section_index;
  NameIndex     subset_index;
};

typedef struct
{
  NrtModelData *data;
  guint64       state_id;
} Snapshot;

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_TYPE (NrtModel, nrt_model, G_TYPE_OBJECT)
G_DEFINE_QUARK (nrt-model-error-quark, nrt_model_error)

/* ------------------------------------------------------------------------------------ */
/* Data: construction, copy, comparison                                                  */

/* Undo snapshots must not copy every section per edit (a file read makes hundreds of edits
 * on hundreds of sections).  So each live section keeps a cached immutable copy of itself,
 * `clean`, made when a snapshot first needs it and dropped when the section changes (sec_at);
 * snapshots hold references to clean copies, which consecutive snapshots share, so an edit
 * copies only the sections changed since the previous snapshot.  Live sections are never
 * shared, so their addresses stay stable across edits as before.  nrt_model_data_copy()
 * copies deeply. */
typedef struct
{
  int         ref;    /* holders; single-threaded: a model and its history stay on a thread */
  NrtSection *clean;  /* live sections: an equal immutable copy, or NULL; else NULL */
  NrtSection  sec;
} SectionBox;

static SectionBox *
section_box (const NrtSection *sec)
{
  return (SectionBox *) ((char *) sec - G_STRUCT_OFFSET (SectionBox, sec));
}

static NrtSection *
section_alloc (void)
{
  SectionBox *box = g_new0 (SectionBox, 1);
  box->ref = 1;
  return &box->sec;
}

static NrtSection *
section_share (NrtSection *sec)
{
  section_box (sec)->ref++;
  return sec;
}

static void
section_free (NrtSection *sec)
{
  if (sec == NULL || --section_box (sec)->ref > 0)
    return;
  section_free (section_box (sec)->clean);
  g_free (sec->name);
  g_clear_pointer (&sec->pt3d, g_array_unref);
  g_clear_pointer (&sec->channels, g_array_unref);
  g_free (section_box (sec));
}

static NrtSection *
section_copy (const NrtSection *src)
{
  NrtSection *sec = section_alloc ();
  *sec = *src;
  sec->name = g_strdup (src->name);
  if (src->pt3d != NULL)
    {
      sec->pt3d = g_array_sized_new (FALSE, FALSE, sizeof (NrtPt3d), src->pt3d->len);
      g_array_append_vals (sec->pt3d, src->pt3d->data, src->pt3d->len);
    }
  sec->channels = g_array_copy (src->channels);
  return sec;
}

static void
subset_free (NrtSubset *subset)
{
  if (subset == NULL)
    return;
  g_free (subset->name);
  g_array_unref (subset->members);
  g_free (subset);
}

static NrtSubset *
subset_new (const char *name)
{
  NrtSubset *subset = g_new0 (NrtSubset, 1);
  subset->name = g_strdup (name);
  subset->members = g_array_new (FALSE, FALSE, sizeof (int));
  return subset;
}

static NrtSubset *
subset_copy (const NrtSubset *src)
{
  NrtSubset *subset = subset_new (src->name);
  g_array_append_vals (subset->members, src->members->data, src->members->len);
  return subset;
}

static void
settings_init_defaults (NrtRunSettings *s)
{
  /* NEURON's stdrun defaults (reference/neuron-gui.md §0.3). */
  s->tstop = 5.0;
  s->dt = 0.025;
  s->v_init = -65.0;
  s->celsius = 6.3;
  s->points_per_ms = 40.0;
  s->method = NRT_METHOD_IMPLICIT;
  s->hh_use_table = TRUE;
  /* NEURON's nai0_na_ion … cao0_ca_ion (§0.3). */
  s->conc_i[NRT_ION_NONSPECIFIC] = s->conc_o[NRT_ION_NONSPECIFIC] = 0.0;
  s->conc_i[NRT_ION_NA] = 10.0;
  s->conc_o[NRT_ION_NA] = 140.0;
  s->conc_i[NRT_ION_K] = 54.4;
  s->conc_o[NRT_ION_K] = 2.5;
  s->conc_i[NRT_ION_CA] = 5e-5;
  s->conc_o[NRT_ION_CA] = 2.0;
  s->seed = 1;
}

static void
data_init (NrtModelData *d)
{
  memset (d, 0, sizeof *d);
  d->name = g_strdup ("cell");
  d->sections = g_ptr_array_new_with_free_func ((GDestroyNotify) section_free);
  d->subsets = g_ptr_array_new_with_free_func ((GDestroyNotify) subset_free);
  g_ptr_array_add (d->subsets, subset_new ("all"));
  d->point_processes = g_ptr_array_new_with_free_func (g_free);
  d->channels = g_ptr_array_new_with_free_func ((GDestroyNotify) nrt_channel_free);
  d->netstims = g_array_new (FALSE, FALSE, sizeof (NrtNetStim));
  d->netcons = g_array_new (FALSE, FALSE, sizeof (NrtNetCon));
  d->foreign_xml = g_ptr_array_new_with_free_func (g_free);
  d->geometry_specs = g_ptr_array_new_with_free_func ((GDestroyNotify) nrt_geometry_spec_free);
  d->biophysics_specs =
    g_ptr_array_new_with_free_func ((GDestroyNotify) nrt_biophysics_spec_free);
  d->class_name = g_strdup ("Cell");
  d->output_x = 1.0;
  d->threshold = 10.0;
  settings_init_defaults (&d->settings);
}

static void
data_clear (NrtModelData *d)
{
  g_clear_pointer (&d->name, g_free);
  g_clear_pointer (&d->notes, g_free);
  g_clear_pointer (&d->sections, g_ptr_array_unref);
  g_clear_pointer (&d->subsets, g_ptr_array_unref);
  g_clear_pointer (&d->point_processes, g_ptr_array_unref);
  g_clear_pointer (&d->channels, g_ptr_array_unref);
  g_clear_pointer (&d->netstims, g_array_unref);
  g_clear_pointer (&d->netcons, g_array_unref);
  g_clear_pointer (&d->foreign_xml, g_ptr_array_unref);
  g_clear_pointer (&d->geometry_specs, g_ptr_array_unref);
  g_clear_pointer (&d->biophysics_specs, g_ptr_array_unref);
  g_clear_pointer (&d->class_name, g_free);
  g_clear_pointer (&d->output_section, g_free);
  g_clear_pointer (&d->view_state, g_free);
}

/* The immutable copy of live section sec, shared (for an undo snapshot). */
static NrtSection *
section_clean_ref (NrtSection *sec)
{
  SectionBox *box = section_box (sec);
  if (box->clean == NULL)
    box->clean = section_copy (sec);
  return section_share (box->clean);
}

/* snapshot: src is the live data and the copy an undo snapshot holding clean copies of its
 * sections; else the copy has its own copies. */
static void
data_copy_into (NrtModelData *dst, const NrtModelData *src, gboolean snapshot)
{
  dst->name = g_strdup (src->name);
  dst->notes = g_strdup (src->notes);
  dst->sections = g_ptr_array_new_full (src->sections->len, (GDestroyNotify) section_free);
  for (guint i = 0; i < src->sections->len; i++)
    g_ptr_array_add (dst->sections, snapshot ? section_clean_ref (src->sections->pdata[i])
                                             : section_copy (src->sections->pdata[i]));
  dst->subsets = g_ptr_array_new_full (src->subsets->len, (GDestroyNotify) subset_free);
  for (guint i = 0; i < src->subsets->len; i++)
    g_ptr_array_add (dst->subsets, subset_copy (src->subsets->pdata[i]));
  dst->point_processes = g_ptr_array_new_full (src->point_processes->len, g_free);
  for (guint i = 0; i < src->point_processes->len; i++)
    g_ptr_array_add (dst->point_processes,
                     g_memdup2 (src->point_processes->pdata[i], sizeof (NrtPointProcess)));
  dst->channels = g_ptr_array_new_full (src->channels->len, (GDestroyNotify) nrt_channel_free);
  for (guint i = 0; i < src->channels->len; i++)
    g_ptr_array_add (dst->channels, nrt_channel_copy (src->channels->pdata[i]));
  dst->netstims = g_array_copy (src->netstims);
  dst->netcons = g_array_copy (src->netcons);
  dst->foreign_xml = g_ptr_array_new_full (src->foreign_xml->len, g_free);
  for (guint i = 0; i < src->foreign_xml->len; i++)
    g_ptr_array_add (dst->foreign_xml, g_strdup (src->foreign_xml->pdata[i]));
  dst->settings = src->settings;
  dst->geometry_specs = g_ptr_array_new_full (src->geometry_specs->len,
                                              (GDestroyNotify) nrt_geometry_spec_free);
  for (guint i = 0; i < src->geometry_specs->len; i++)
    g_ptr_array_add (dst->geometry_specs, nrt_geometry_spec_copy (src->geometry_specs->pdata[i]));
  dst->biophysics_specs = g_ptr_array_new_full (src->biophysics_specs->len,
                                                (GDestroyNotify) nrt_biophysics_spec_free);
  for (guint i = 0; i < src->biophysics_specs->len; i++)
    g_ptr_array_add (dst->biophysics_specs,
                     nrt_biophysics_spec_copy (src->biophysics_specs->pdata[i]));
  dst->class_name = g_strdup (src->class_name);
  dst->output_section = g_strdup (src->output_section);
  dst->output_x = src->output_x;
  dst->threshold = src->threshold;
  dst->view_state = g_strdup (src->view_state);
}

NrtModelData *
nrt_model_data_copy (const NrtModelData *data)
{
  NrtModelData *copy;

  g_return_val_if_fail (data != NULL, NULL);
  copy = g_new0 (NrtModelData, 1);
  data_copy_into (copy, data, FALSE);
  return copy;
}

void
nrt_model_data_free (NrtModelData *data)
{
  if (data == NULL)
    return;
  data_clear (data);
  g_free (data);
}

/* Doubles compare bitwise-equal or both NaN: a round trip must reproduce every bit. */
static gboolean
same_double (double a, double b)
{
  return a == b || (isnan (a) && isnan (b));
}

static gboolean
section_equal (const NrtSection *a, const NrtSection *b)
{
  guint na = a->pt3d ? a->pt3d->len : 0;
  guint nb = b->pt3d ? b->pt3d->len : 0;

  if (g_strcmp0 (a->name, b->name) != 0 || a->parent != b->parent
      || !same_double (a->parent_x, b->parent_x) || !same_double (a->L, b->L)
      || !same_double (a->diam, b->diam) || a->nseg != b->nseg
      || a->nseg_strategy != b->nseg_strategy || !same_double (a->d_lambda, b->d_lambda)
      || !same_double (a->d_X, b->d_X) || !same_double (a->Ra, b->Ra)
      || !same_double (a->cm, b->cm) || na != nb || a->channels->len != b->channels->len)
    return FALSE;
  for (int ion = 0; ion < NRT_N_ION; ion++)
    if (ion != NRT_ION_NONSPECIFIC && !same_double (a->e_ion[ion], b->e_ion[ion]))
      return FALSE;
  for (guint c = 0; c < a->channels->len; c++)
    {
      const NrtChannelInstance *x = &g_array_index (a->channels, NrtChannelInstance, c);
      const NrtChannelInstance *y = &g_array_index (b->channels, NrtChannelInstance, c);
      if (x->channel != y->channel || !same_double (x->gmax, y->gmax)
          || !same_double (x->e, y->e))
        return FALSE;
    }
  if (na > 0 && memcmp (a->pt3d->data, b->pt3d->data, na * sizeof (NrtPt3d)) != 0)
    return FALSE;
  for (int m = 0; m < NRT_N_MECH; m++)
    {
      if (a->mech[m].inserted != b->mech[m].inserted)
        return FALSE;
      if (!a->mech[m].inserted)
        continue;
      for (guint p = 0; p < nrt_mechanism_info (m)->n_params; p++)
        if (!same_double (a->mech[m].p[p], b->mech[m].p[p]))
          return FALSE;
    }
  return TRUE;
}

gboolean
nrt_model_data_equal (const NrtModelData *a, const NrtModelData *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (g_strcmp0 (a->name, b->name) != 0 || g_strcmp0 (a->notes, b->notes) != 0)
    return FALSE;
  if (a->sections->len != b->sections->len || a->subsets->len != b->subsets->len
      || a->point_processes->len != b->point_processes->len
      || a->netstims->len != b->netstims->len || a->netcons->len != b->netcons->len
      || a->foreign_xml->len != b->foreign_xml->len || a->channels->len != b->channels->len)
    return FALSE;
  for (guint i = 0; i < a->channels->len; i++)
    if (!nrt_channel_equal (a->channels->pdata[i], b->channels->pdata[i]))
      return FALSE;
  for (guint i = 0; i < a->sections->len; i++)
    if (!section_equal (a->sections->pdata[i], b->sections->pdata[i]))
      return FALSE;
  for (guint i = 0; i < a->subsets->len; i++)
    {
      const NrtSubset *sa = a->subsets->pdata[i], *sb = b->subsets->pdata[i];
      if (g_strcmp0 (sa->name, sb->name) != 0 || sa->members->len != sb->members->len
          || (sa->members->len > 0
              && memcmp (sa->members->data, sb->members->data,
                         sa->members->len * sizeof (int)) != 0))
        return FALSE;
    }
  for (guint i = 0; i < a->point_processes->len; i++)
    {
      const NrtPointProcess *pa = a->point_processes->pdata[i];
      const NrtPointProcess *pb = b->point_processes->pdata[i];
      if (pa->type != pb->type || pa->section != pb->section || !same_double (pa->x, pb->x)
          || pa->channel != pb->channel)
        return FALSE;
      for (guint p = 0; p < nrt_point_process_info (pa->type)->n_params; p++)
        if (!same_double (pa->p[p], pb->p[p]))
          return FALSE;
    }
  for (guint i = 0; i < a->netstims->len; i++)
    {
      const NrtNetStim *x = &g_array_index (a->netstims, NrtNetStim, i);
      const NrtNetStim *y = &g_array_index (b->netstims, NrtNetStim, i);
      if (!same_double (x->interval, y->interval) || !same_double (x->number, y->number)
          || !same_double (x->start, y->start) || !same_double (x->noise, y->noise))
        return FALSE;
    }
  for (guint i = 0; i < a->netcons->len; i++)
    {
      const NrtNetCon *x = &g_array_index (a->netcons, NrtNetCon, i);
      const NrtNetCon *y = &g_array_index (b->netcons, NrtNetCon, i);
      if (x->source != y->source || x->target != y->target
          || !same_double (x->weight, y->weight) || !same_double (x->delay, y->delay)
          || !same_double (x->threshold, y->threshold))
        return FALSE;
    }
  for (guint i = 0; i < a->foreign_xml->len; i++)
    if (g_strcmp0 (a->foreign_xml->pdata[i], b->foreign_xml->pdata[i]) != 0)
      return FALSE;
  if (g_strcmp0 (a->class_name, b->class_name) != 0
      || g_strcmp0 (a->output_section, b->output_section) != 0
      || !same_double (a->output_x, b->output_x) || !same_double (a->threshold, b->threshold)
      || g_strcmp0 (a->view_state, b->view_state) != 0
      || a->geometry_specs->len != b->geometry_specs->len
      || a->biophysics_specs->len != b->biophysics_specs->len)
    return FALSE;
  for (guint i = 0; i < a->geometry_specs->len; i++)
    if (!nrt_geometry_spec_equal (a->geometry_specs->pdata[i], b->geometry_specs->pdata[i]))
      return FALSE;
  for (guint i = 0; i < a->biophysics_specs->len; i++)
    if (!nrt_biophysics_spec_equal (a->biophysics_specs->pdata[i],
                                    b->biophysics_specs->pdata[i]))
      return FALSE;

  const NrtRunSettings *x = &a->settings, *y = &b->settings;
  return same_double (x->tstop, y->tstop) && same_double (x->dt, y->dt)
         && same_double (x->v_init, y->v_init) && same_double (x->celsius, y->celsius)
         && same_double (x->points_per_ms, y->points_per_ms) && x->method == y->method
         && x->hh_use_table == y->hh_use_table && x->seed == y->seed
         && memcmp (x->conc_i, y->conc_i, sizeof x->conc_i) == 0
         && memcmp (x->conc_o, y->conc_o, sizeof x->conc_o) == 0;
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
snapshot_free (Snapshot *snap)
{
  nrt_model_data_free (snap->data);
  g_free (snap);
}

static void
nrt_model_finalize (GObject *object)
{
  NrtModel *self = NRT_MODEL (object);

  data_clear (&self->data);
  g_hash_table_unref (self->section_index.map);
  g_hash_table_unref (self->subset_index.map);
  g_ptr_array_unref (self->undo);
  g_ptr_array_unref (self->redo);
  G_OBJECT_CLASS (nrt_model_parent_class)->finalize (object);
}

static void
nrt_model_class_init (NrtModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = nrt_model_finalize;

  /**
   * NrtModel::changed:
   * @change: (type gpointer): a const NrtChange* saying what changed
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
nrt_model_init (NrtModel *self)
{
  data_init (&self->data);
  self->section_index.map = g_hash_table_new (g_str_hash, g_str_equal);
  self->subset_index.map = g_hash_table_new (g_str_hash, g_str_equal);
  self->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) snapshot_free);
  self->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) snapshot_free);
}

NrtModel *
nrt_model_new (void)
{
  return g_object_new (NRT_TYPE_MODEL, NULL);
}

NrtModel *
nrt_model_new_default (void)
{
  NrtModel *self = nrt_model_new ();
  int soma = nrt_model_add_section (self, "soma", NULL, 0.0, 100.0, 500.0, NULL);

  g_assert (soma == 0);
  nrt_model_clear_history (self);
  return self;
}

const NrtModelData *
nrt_model_get_data (NrtModel *self)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), NULL);
  return &self->data;
}

/* ------------------------------------------------------------------------------------ */
/* Undo machinery                                                                        */

/* Called by every mutator after validation and before the first change. */
static void
begin_edit (NrtModel *self)
{
  if (self->group_depth > 0 && self->group_snapshotted)
    return;

  Snapshot *snap = g_new0 (Snapshot, 1);
  snap->data = g_new0 (NrtModelData, 1);
  data_copy_into (snap->data, &self->data, TRUE);
  snap->state_id = self->state_id;
  g_ptr_array_add (self->undo, snap);
  if (self->undo->len > MAX_UNDO)
    g_ptr_array_remove_index (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);
  self->state_id = ++self->next_state_id;
  if (self->group_depth > 0)
    self->group_snapshotted = TRUE;
}

static void
emit_changed (NrtModel *self, NrtChangeKind kind, int section, int pp, const char *what)
{
  NrtChange change = { kind, section, pp, what };
  g_signal_emit (self, signals[CHANGED], 0, &change);
}

void
nrt_model_begin_group (NrtModel *self, const char *label)
{
  g_return_if_fail (NRT_IS_MODEL (self));
  if (self->group_depth++ == 0)
    self->group_snapshotted = FALSE;
}

void
nrt_model_end_group (NrtModel *self)
{
  g_return_if_fail (NRT_IS_MODEL (self));
  g_return_if_fail (self->group_depth > 0);
  self->group_depth--;
}

gboolean
nrt_model_can_undo (NrtModel *self)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  return self->undo->len > 0;
}

gboolean
nrt_model_can_redo (NrtModel *self)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  return self->redo->len > 0;
}

static void invalidate_indexes (NrtModel *self);

/* Moves the current data onto @to and restores the last snapshot of @from. */
static gboolean
swap_history (NrtModel *self, GPtrArray *from, GPtrArray *to, GError **error)
{
  if (from->len == 0)
    {
      g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_NOTHING_TO_UNDO,
                           from == self->undo ? "Nothing to undo" : "Nothing to redo");
      return FALSE;
    }
  Snapshot *snap = g_ptr_array_steal_index (from, from->len - 1);
  NrtModelData current = self->data;
  guint64 current_id = self->state_id;

  self->data = *snap->data;
  self->state_id = snap->state_id;
  *snap->data = current;
  snap->state_id = current_id;
  g_ptr_array_add (to, snap);
  /* The restored sections are clean copies, maybe shared with other snapshots: each becomes
   * a live section of its own, keeping the shared one as its clean copy.  The sections put
   * in the snapshot are live ones: nothing holds them but that snapshot, and they change no
   * more. */
  for (guint i = 0; i < self->data.sections->len; i++)
    {
      NrtSection *sec = self->data.sections->pdata[i];
      if (section_box (sec)->ref > 1)
        {
          NrtSection *own = section_copy (sec);
          section_box (own)->clean = sec;  /* takes over this array's reference */
          self->data.sections->pdata[i] = own;
        }
    }
  invalidate_indexes (self);
  emit_changed (self, NRT_CHANGE_STRUCTURE, -1, -1, NULL);
  return TRUE;
}

gboolean
nrt_model_undo (NrtModel *self, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  return swap_history (self, self->undo, self->redo, error);
}

gboolean
nrt_model_redo (NrtModel *self, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  return swap_history (self, self->redo, self->undo, error);
}

void
nrt_model_clear_history (NrtModel *self)
{
  g_return_if_fail (NRT_IS_MODEL (self));
  g_ptr_array_set_size (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);
  self->saved_state_id = self->state_id;
}

gboolean
nrt_model_is_modified (NrtModel *self)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  return self->state_id != self->saved_state_id;
}

void
nrt_model_mark_saved (NrtModel *self)
{
  g_return_if_fail (NRT_IS_MODEL (self));
  self->saved_state_id = self->state_id;
}

/* ------------------------------------------------------------------------------------ */
/* Validation helpers                                                                    */

static gboolean
check_range (double value, double min, double max, const char *what, const char *units,
             GError **error)
{
  if (!isfinite (value))
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   "%s must be a finite number, not %g", what, value);
      return FALSE;
    }
  if (value < min || value > max)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   "%s = %g %s is outside its domain [%g, %g]", what, value,
                   units ? units : "", min, max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_positive (double value, const char *what, const char *units, GError **error)
{
  if (!check_range (value, -G_MAXDOUBLE, G_MAXDOUBLE, what, units, error))
    return FALSE;
  if (value <= 0.0)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   "%s must be greater than 0 %s, not %g", what, units ? units : "", value);
      return FALSE;
    }
  return TRUE;
}

/* A hoc-style section name: identifier with an optional [index]. */
static gboolean
check_section_name (const char *name, GError **error)
{
  const char *p = name;

  if (name == NULL || !(g_ascii_isalpha (*p) || *p == '_'))
    goto bad;
  while (g_ascii_isalnum (*p) || *p == '_')
    p++;
  if (*p == '[')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        goto bad;
      while (g_ascii_isdigit (*p))
        p++;
      if (*p++ != ']')
        goto bad;
    }
  if (*p == '\0' && p - name <= 200)
    return TRUE;
bad:
  g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_NAME,
               "“%s” is not a valid section name: use letters, digits and _, "
               "optionally followed by an index such as [2]", name ? name : "(null)");
  return FALSE;
}

static gboolean
check_identifier (const char *name, const char *what, GError **error)
{
  const char *p = name;

  if (name != NULL && (g_ascii_isalpha (*p) || *p == '_'))
    {
      while (g_ascii_isalnum (*p) || *p == '_')
        p++;
      if (*p == '\0' && p - name <= 200)
        return TRUE;
    }
  g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_NAME,
               "“%s” is not a valid %s name: use letters, digits and _, starting with a letter",
               name ? name : "(null)", what);
  return FALSE;
}

/* Section i, for changing: its clean copy no longer matches, so it is dropped.  Every change
 * to a section goes through here (reads may too). */
static NrtSection *
sec_at (NrtModel *self, int i)
{
  NrtSection *sec = self->data.sections->pdata[i];

  g_clear_pointer (&section_box (sec)->clean, section_free);
  return sec;
}

/* Section i, read only (never copies). */
static const NrtSection *
sec_ro (NrtModel *self, int i)
{
  return self->data.sections->pdata[i];
}

/* NrtSection and NrtSubset both start with their name. */
G_STATIC_ASSERT (G_STRUCT_OFFSET (NrtSection, name) == 0);
G_STATIC_ASSERT (G_STRUCT_OFFSET (NrtSubset, name) == 0);

static const char *
item_name (GPtrArray *items, guint i)
{
  return *(char *const *) items->pdata[i];
}

static void
name_index_rebuild (NameIndex *ix, GPtrArray *items)
{
  g_hash_table_remove_all (ix->map);
  for (guint i = 0; i < items->len; i++)
    g_hash_table_insert (ix->map, (gpointer) item_name (items, i), GINT_TO_POINTER (i + 1));
  ix->valid = TRUE;
}

static int
name_index_lookup (NameIndex *ix, GPtrArray *items, const char *name)
{
  if (name == NULL)
    return -1;
  if (!ix->valid)
    name_index_rebuild (ix, items);
  int i = GPOINTER_TO_INT (g_hash_table_lookup (ix->map, name)) - 1;
  /* A stale map would be a bug in the invalidation above; the check costs one strcmp. */
  if (i >= 0 && ((guint) i >= items->len || strcmp (item_name (items, i), name) != 0))
    {
      g_critical ("stale name index for “%s”", name);
      name_index_rebuild (ix, items);
      i = GPOINTER_TO_INT (g_hash_table_lookup (ix->map, name)) - 1;
    }
  return i;
}

/* Called after items[index] was appended (names are unique: mutators check first). */
static void
name_index_appended (NameIndex *ix, GPtrArray *items, guint index)
{
  if (ix->valid)
    g_hash_table_insert (ix->map, (gpointer) item_name (items, index),
                         GINT_TO_POINTER (index + 1));
}

static void
invalidate_indexes (NrtModel *self)
{
  self->section_index.valid = FALSE;
  self->subset_index.valid = FALSE;
}

int
nrt_model_find_section (NrtModel *self, const char *name)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), -1);
  return name_index_lookup (&self->section_index, self->data.sections, name);
}

int
nrt_model_find_subset (NrtModel *self, const char *name)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), -1);
  return name_index_lookup (&self->subset_index, self->data.subsets, name);
}

guint
nrt_model_get_n_sections (NrtModel *self)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), 0);
  return self->data.sections->len;
}

const NrtSection *
nrt_model_get_section (NrtModel *self, guint index)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), NULL);
  g_return_val_if_fail (index < self->data.sections->len, NULL);
  return sec_ro (self, index);
}

static int
require_section (NrtModel *self, const char *name, GError **error)
{
  int i = nrt_model_find_section (self, name);
  if (i < 0)
    g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_SECTION,
                 "There is no section “%s”", name ? name : "(null)");
  return i;
}

/* Resolves a subset or section name to a new array of section indices. */
static GArray *
resolve_target (NrtModel *self, const char *target, GError **error)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (int));
  int sub = nrt_model_find_subset (self, target);

  if (sub == 0)
    {
      /* "all" is every section, whatever its stored member list says. */
      for (int i = 0; i < (int) self->data.sections->len; i++)
        g_array_append_val (out, i);
    }
  else if (sub > 0)
    {
      GArray *m = ((NrtSubset *) self->data.subsets->pdata[sub])->members;
      g_array_append_vals (out, m->data, m->len);
    }
  else
    {
      int s = nrt_model_find_section (self, target);
      if (s < 0)
        {
          g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_SECTION,
                       "There is no section or subset “%s”", target ? target : "(null)");
          g_array_unref (out);
          return NULL;
        }
      g_array_append_val (out, s);
    }
  return out;
}

/* ------------------------------------------------------------------------------------ */
/* Geometry and nseg                                                                     */

double
nrt_pt3d_segment_length (const NrtPt3d *a, const NrtPt3d *b)
{
  /* NEURON stores pt3d as floats and takes differences in float before summing in double. */
  float fx = b->x - a->x, fy = b->y - a->y, fz = b->z - a->z;
  double dx = fx, dy = fy, dz = fz;
  return sqrt (dx * dx + dy * dy + dz * dz);
}

static double
pt3d_length (const GArray *pts)
{
  double arc = 0.0;
  for (guint i = 1; i < pts->len; i++)
    arc += nrt_pt3d_segment_length (&g_array_index (pts, NrtPt3d, i - 1),
                                    &g_array_index (pts, NrtPt3d, i));
  return arc;
}

double
nrt_section_lambda_f (const NrtSection *sec, double freq_hz)
{
  /* stdlib.hoc lambda_f: 1e5*sqrt(diam/(4*PI*f*Ra*cm)) without 3-D points, otherwise
   * L / (sqrt(2)*1e-5*sqrt(4*PI*f*Ra*cm) * Σ Δarc/sqrt(d_{i-1}+d_i)). */
  if (sec->cm == 0.0)
    return 1e10;
  if (sec->pt3d == NULL || sec->pt3d->len < 2)
    return 1e5 * sqrt (sec->diam / (4.0 * G_PI * freq_hz * sec->Ra * sec->cm));

  /* NEURON keeps the cumulative arc3d(i) in double and lambda_f sums the differences
   * arc3d(i) - arc3d(i-1), which can differ from the piece length in the last bit: do the
   * same, so nseg flips at exactly the same L. */
  double lam = 0.0, arc = 0.0;
  for (guint i = 1; i < sec->pt3d->len; i++)
    {
      const NrtPt3d *a = &g_array_index (sec->pt3d, NrtPt3d, i - 1);
      const NrtPt3d *b = &g_array_index (sec->pt3d, NrtPt3d, i);
      double next = arc + nrt_pt3d_segment_length (a, b);
      lam += (next - arc) / sqrt ((double) a->d + (double) b->d);
      arc = next;
    }
  lam *= sqrt (2.0) * 1e-5 * sqrt (4.0 * G_PI * freq_hz * sec->Ra * sec->cm);
  return sec->L / lam;
}

int
nrt_section_compute_nseg (const NrtSection *sec)
{
  double n;

  switch (sec->nseg_strategy)
    {
    case NRT_NSEG_D_LAMBDA:
      /* celgeom.hoc: nseg = int((L/(d_lambda*lambda_f(100)) + .999)/2)*2 + 1 */
      n = (int) ((sec->L / (sec->d_lambda * nrt_section_lambda_f (sec, 100.0)) + 0.999) / 2.0)
          * 2.0 + 1.0;
      break;
    case NRT_NSEG_D_X:
      n = (int) ((sec->L / sec->d_X + 0.999) / 2.0) * 2.0 + 1.0;
      break;
    case NRT_NSEG_FIXED:
    default:
      return sec->nseg;
    }
  return (int) CLAMP (n, 1, MAX_NSEG);
}

static void
update_nseg (NrtSection *sec)
{
  sec->nseg = nrt_section_compute_nseg (sec);
}

/* ------------------------------------------------------------------------------------ */
/* Mutators                                                                              */

/* Keeping CellBuilder specs in step with structural edits (defined at the end). */
static gboolean specs_active (NrtModel *self);
static void     apply_specs (NrtModel *self);
static void     specs_rename_target (NrtModel *self, const char *old_name, const char *new_name);
static void     specs_drop_target (NrtModel *self, const char *name);
static void     specs_member_changed (NrtModel *self, const char *subset, guint pos,
                                      gboolean inserted);

gboolean
nrt_model_set_name (NrtModel *self, const char *name, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  if (!check_identifier (name, "model", error))
    return FALSE;
  begin_edit (self);
  g_free (self->data.name);
  self->data.name = g_strdup (name);
  emit_changed (self, NRT_CHANGE_SETTINGS, -1, -1, "name");
  return TRUE;
}

gboolean
nrt_model_set_notes (NrtModel *self, const char *notes, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  if (notes != NULL && !g_utf8_validate (notes, -1, NULL))
    {
      g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                           "Notes must be UTF-8 text");
      return FALSE;
    }
  begin_edit (self);
  g_free (self->data.notes);
  self->data.notes = g_strdup (notes);
  emit_changed (self, NRT_CHANGE_SETTINGS, -1, -1, "notes");
  return TRUE;
}

static gboolean
check_parent_x (double x, GError **error)
{
  return check_range (x, 0.0, 1.0, "The attachment point x", "", error);
}

/* TRUE when making @parent the parent of @child would close a loop. */
static gboolean
would_cycle (NrtModel *self, int child, int parent)
{
  guint guard = 0;
  for (int p = parent; p >= 0; p = sec_at (self, p)->parent)
    {
      if (p == child || ++guard > self->data.sections->len)
        return TRUE;
    }
  return FALSE;
}

int
nrt_model_add_section (NrtModel *self, const char *name, const char *parent, double parent_x,
                       double L, double diam, GError **error)
{
  int ip = -1;

  g_return_val_if_fail (NRT_IS_MODEL (self), -1);
  if (!check_section_name (name, error))
    return -1;
  if (nrt_model_find_section (self, name) >= 0)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_DUPLICATE_NAME,
                   "A section named “%s” already exists", name);
      return -1;
    }
  if (parent != NULL && (ip = require_section (self, parent, error)) < 0)
    return -1;
  if (!check_parent_x (parent_x, error) || !check_positive (L, "L", "µm", error)
      || !check_positive (diam, "diam", "µm", error))
    return -1;

  begin_edit (self);
  NrtSection *sec = section_alloc ();
  sec->name = g_strdup (name);
  sec->parent = ip;
  sec->parent_x = ip < 0 ? 0.0 : parent_x;
  sec->L = L;
  sec->diam = diam;
  sec->nseg = 1;
  sec->nseg_strategy = NRT_NSEG_FIXED;
  sec->d_lambda = 0.1;
  sec->d_X = 50.0;
  sec->Ra = 35.4;
  sec->cm = 1.0;
  sec->channels = g_array_new (FALSE, FALSE, sizeof (NrtChannelInstance));
  for (int ion = 0; ion < NRT_N_ION; ion++)
    sec->e_ion[ion] = nrt_ion_default_e (ion);
  g_ptr_array_add (self->data.sections, sec);
  int index = (int) self->data.sections->len - 1;
  name_index_appended (&self->section_index, self->data.sections, index);
  /* Under the CellBuilder a new section takes what the specs of "all" say, at once. */
  if (specs_active (self))
    apply_specs (self);
  emit_changed (self, NRT_CHANGE_STRUCTURE, index, -1, NULL);
  return index;
}

/* Index @removed disappears: shift every reference above it down by one. */
static void
renumber_after_section_removal (NrtModel *self, int removed)
{
  for (guint i = 0; i < self->data.sections->len; i++)
    {
      NrtSection *s = sec_at (self, i);
      if (s->parent > removed)
        s->parent--;
    }
  for (guint k = 0; k < self->data.subsets->len; k++)
    {
      GArray *m = ((NrtSubset *) self->data.subsets->pdata[k])->members;
      for (guint j = m->len; j-- > 0;)
        {
          int *v = &g_array_index (m, int, j);
          if (*v == removed)
            g_array_remove_index (m, j);
          else if (*v > removed)
            (*v)--;
        }
    }
}

static NrtPointProcess *
pp_at (NrtModel *self, guint i)
{
  return self->data.point_processes->pdata[i];
}

static void
remove_point_process_at (NrtModel *self, guint index)
{
  g_ptr_array_remove_index (self->data.point_processes, index);
  for (guint j = self->data.netcons->len; j-- > 0;)
    {
      NrtNetCon *nc = &g_array_index (self->data.netcons, NrtNetCon, j);
      if (nc->target == (int) index)
        g_array_remove_index (self->data.netcons, j);
      else if (nc->target > (int) index)
        nc->target--;
    }
}

gboolean
nrt_model_remove_section (NrtModel *self, const char *name, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  int is = require_section (self, name, error);
  if (is < 0)
    return FALSE;

  begin_edit (self);
  NrtSection *gone = sec_at (self, is);
  /* As the CellBuilder's Delete Section does: children move to the deleted section's
   * parent, at the point where it was attached; children of a root become roots. */
  for (guint i = 0; i < self->data.sections->len; i++)
    {
      NrtSection *s = sec_at (self, i);
      if (s->parent == is)
        {
          s->parent = gone->parent;
          s->parent_x = gone->parent < 0 ? 0.0 : gone->parent_x;
        }
    }
  for (guint j = self->data.point_processes->len; j-- > 0;)
    {
      NrtPointProcess *pp = self->data.point_processes->pdata[j];
      if (pp->section == is)
        remove_point_process_at (self, j);
      else if (pp->section > is)
        pp->section--;
    }
  /* Specs: drop those of the section, and its entries in subsets' distinct values. */
  specs_drop_target (self, gone->name);
  if (g_strcmp0 (self->data.output_section, gone->name) == 0)
    g_clear_pointer (&self->data.output_section, g_free);
  specs_member_changed (self, "all", is, FALSE);
  for (guint k = 1; k < self->data.subsets->len; k++)
    {
      const NrtSubset *sub = self->data.subsets->pdata[k];
      for (guint j = 0; j < sub->members->len; j++)
        if (g_array_index (sub->members, int, j) == is)
          specs_member_changed (self, sub->name, j, FALSE);
    }
  g_ptr_array_remove_index (self->data.sections, is);
  self->section_index.valid = FALSE;
  renumber_after_section_removal (self, is);
  if (specs_active (self))
    apply_specs (self);
  emit_changed (self, NRT_CHANGE_STRUCTURE, -1, -1, NULL);
  return TRUE;
}

gboolean
nrt_model_rename_section (NrtModel *self, const char *name, const char *new_name,
                          GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  int is = require_section (self, name, error);
  if (is < 0 || !check_section_name (new_name, error))
    return FALSE;
  int other = nrt_model_find_section (self, new_name);
  if (other >= 0 && other != is)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_DUPLICATE_NAME,
                   "A section named “%s” already exists", new_name);
      return FALSE;
    }
  begin_edit (self);
  specs_rename_target (self, sec_at (self, is)->name, new_name);
  if (g_strcmp0 (self->data.output_section, sec_at (self, is)->name) == 0)
    {
      g_free (self->data.output_section);
      self->data.output_section = g_strdup (new_name);
    }
  g_free (sec_at (self, is)->name);
  sec_at (self, is)->name = g_strdup (new_name);
  self->section_index.valid = FALSE;
  emit_changed (self, NRT_CHANGE_STRUCTURE, is, -1, "name");
  return TRUE;
}

gboolean
nrt_model_connect_section (NrtModel *self, const char *name, const char *parent,
                           double parent_x, GError **error)
{
  int ip = -1;

  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  int is = require_section (self, name, error);
  if (is < 0)
    return FALSE;
  if (parent != NULL && (ip = require_section (self, parent, error)) < 0)
    return FALSE;
  if (!check_parent_x (parent_x, error))
    return FALSE;
  if (ip >= 0 && would_cycle (self, is, ip))
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_CYCLE,
                   "Connecting “%s” to “%s” would make a loop: “%s” is on the path from "
                   "“%s” to the root", name, parent, name, parent);
      return FALSE;
    }
  begin_edit (self);
  sec_at (self, is)->parent = ip;
  sec_at (self, is)->parent_x = ip < 0 ? 0.0 : parent_x;
  emit_changed (self, NRT_CHANGE_STRUCTURE, is, -1, "parent");
  return TRUE;
}

gboolean
nrt_model_set_section_L (NrtModel *self, const char *name, double L, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  int is = require_section (self, name, error);
  if (is < 0 || !check_positive (L, "L", "µm", error))
    return FALSE;
  begin_edit (self);
  NrtSection *s = sec_at (self, is);
  if (s->pt3d != NULL && s->pt3d->len >= 2)
    {
      /* Like NEURON's nrn_length_change: scale the points about the first one. */
      double f = L / s->L;
      NrtPt3d *p = (NrtPt3d *) s->pt3d->data;
      for (guint i = 1; i < s->pt3d->len; i++)
        {
          p[i].x = (float) (p[0].x + (p[i].x - p[0].x) * f);
          p[i].y = (float) (p[0].y + (p[i].y - p[0].y) * f);
          p[i].z = (float) (p[0].z + (p[i].z - p[0].z) * f);
        }
      s->L = pt3d_length (s->pt3d);
    }
  else
    s->L = L;
  update_nseg (s);
  emit_changed (self, NRT_CHANGE_GEOMETRY, is, -1, "L");
  return TRUE;
}

gboolean
nrt_model_set_section_diam (NrtModel *self, const char *name, double diam, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  int is = require_section (self, name, error);
  if (is < 0 || !check_positive (diam, "diam", "µm", error))
    return FALSE;
  begin_edit (self);
  NrtSection *s = sec_at (self, is);
  s->diam = diam;
  /* As NEURON's sec.diam = value does with 3-D points: every point gets the diameter. */
  if (s->pt3d != NULL)
    for (guint i = 0; i < s->pt3d->len; i++)
      g_array_index (s->pt3d, NrtPt3d, i).d = (float) diam;
  update_nseg (s);
  emit_changed (self, NRT_CHANGE_GEOMETRY, is, -1, "diam");
  return TRUE;
}

gboolean
nrt_model_set_section_pt3d (NrtModel *self, const char *name, const NrtPt3d *pts, guint n,
                            GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  int is = require_section (self, name, error);
  if (is < 0)
    return FALSE;
  if (n == 1)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   "Section “%s” needs at least 2 3-D points, not 1", name);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      char what[64];
      g_snprintf (what, sizeof what, "3-D point %u", i);
      if (!check_range (pts[i].x, -G_MAXFLOAT, G_MAXFLOAT, what, "µm", error)
          || !check_range (pts[i].y, -G_MAXFLOAT, G_MAXFLOAT, what, "µm", error)
          || !check_range (pts[i].z, -G_MAXFLOAT, G_MAXFLOAT, what, "µm", error))
        return FALSE;
      g_snprintf (what, sizeof what, "The diameter of 3-D point %u", i);
      if (!check_positive (pts[i].d, what, "µm", error))
        return FALSE;
    }
  g_autoptr(GArray) arr = NULL;
  double L = 0.0;
  if (n > 0)
    {
      arr = g_array_sized_new (FALSE, FALSE, sizeof (NrtPt3d), n);
      g_array_append_vals (arr, pts, n);
      L = pt3d_length (arr);
      if (!(L > 0.0))
        {
          g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                       "The 3-D points of section “%s” have zero length", name);
          return FALSE;
        }
    }
  begin_edit (self);
  NrtSection *s = sec_at (self, is);
  g_clear_pointer (&s->pt3d, g_array_unref);
  if (n > 0)
    {
      s->pt3d = g_steal_pointer (&arr);
      s->L = L;
    }
  update_nseg (s);
  emit_changed (self, NRT_CHANGE_GEOMETRY, is, -1, "pt3d");
  return TRUE;
}

gboolean
nrt_model_set_section_nseg (NrtModel *self, const char *name, int nseg, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  int is = require_section (self, name, error);
  if (is < 0 || !check_range (nseg, 1, MAX_NSEG, "nseg", "", error))
    return FALSE;
  begin_edit (self);
  sec_at (self, is)->nseg_strategy = NRT_NSEG_FIXED;
  sec_at (self, is)->nseg = nseg;
  emit_changed (self, NRT_CHANGE_GEOMETRY, is, -1, "nseg");
  return TRUE;
}

gboolean
nrt_model_set_nseg_strategy (NrtModel *self, const char *target, NrtNsegStrategy strategy,
                             double value, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  g_autoptr(GArray) secs = resolve_target (self, target, error);
  if (secs == NULL)
    return FALSE;
  switch (strategy)
    {
    case NRT_NSEG_FIXED:
      if (!check_range (value, 1, MAX_NSEG, "nseg", "", error))
        return FALSE;
      if (value != floor (value))
        {
          g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                       "nseg must be a whole number, not %g", value);
          return FALSE;
        }
      break;
    case NRT_NSEG_D_LAMBDA:
      if (!check_positive (value, "d_lambda", "", error))
        return FALSE;
      break;
    case NRT_NSEG_D_X:
      if (!check_positive (value, "d_X", "µm", error))
        return FALSE;
      break;
    default:
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   "Unknown nseg strategy %d", (int) strategy);
      return FALSE;
    }
  begin_edit (self);
  for (guint i = 0; i < secs->len; i++)
    {
      NrtSection *s = sec_at (self, g_array_index (secs, int, i));
      s->nseg_strategy = strategy;
      if (strategy == NRT_NSEG_FIXED)
        s->nseg = (int) value;
      else if (strategy == NRT_NSEG_D_LAMBDA)
        s->d_lambda = value;
      else
        s->d_X = value;
      update_nseg (s);
    }
  emit_changed (self, NRT_CHANGE_GEOMETRY, -1, -1, "nseg");
  return TRUE;
}

/* Ra and cm change λ, so d_lambda sections get a new nseg (celmemb.hoc export_autonseg). */
static gboolean
set_section_scalar (NrtModel *self, const char *target, gsize offset, double value,
                    double min, const char *what, const char *units, GError **error)
{
  g_autoptr(GArray) secs = resolve_target (self, target, error);
  if (secs == NULL || !check_range (value, min, 1e12, what, units, error))
    return FALSE;
  begin_edit (self);
  for (guint i = 0; i < secs->len; i++)
    {
      NrtSection *s = sec_at (self, g_array_index (secs, int, i));
      G_STRUCT_MEMBER (double, s, offset) = value;
      update_nseg (s);
    }
  emit_changed (self, NRT_CHANGE_GEOMETRY, secs->len == 1 ? g_array_index (secs, int, 0) : -1,
                -1, what);
  return TRUE;
}

gboolean
nrt_model_set_Ra (NrtModel *self, const char *target, double Ra, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  if (!check_positive (Ra, "Ra", "Ω·cm", error))
    return FALSE;
  return set_section_scalar (self, target, G_STRUCT_OFFSET (NrtSection, Ra), Ra, 0.0, "Ra",
                             "Ω·cm", error);
}

gboolean
nrt_model_set_cm (NrtModel *self, const char *target, double cm, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  return set_section_scalar (self, target, G_STRUCT_OFFSET (NrtSection, cm), cm, 0.0, "cm",
                             "µF/cm²", error);
}

/* ---- ions ---- */

gboolean
nrt_section_uses_ion (const NrtModelData *data, const NrtSection *sec, NrtIon ion)
{
  g_return_val_if_fail (data != NULL && sec != NULL, FALSE);
  if (ion == NRT_ION_NONSPECIFIC || ion >= NRT_N_ION)
    return FALSE;
  if (sec->mech[NRT_MECH_HH].inserted && (ion == NRT_ION_NA || ion == NRT_ION_K))
    return TRUE;
  for (guint c = 0; c < sec->channels->len; c++)
    {
      const NrtChannel *ch =
        data->channels->pdata[g_array_index (sec->channels, NrtChannelInstance, c).channel];
      if (ch->ion == ion)
        return TRUE;
    }
  return FALSE;
}

static int
hh_param_index (const char *name)
{
  return nrt_param_lookup (nrt_mechanism_info (NRT_MECH_HH), name);
}

/* Restores the invariants of the section ion values after any change of what is inserted:
 * an ion nothing uses holds its default (NEURON drops the ion and recreates it with its
 * defaults), and hh's ena/ek mirror the section's values. */
static void
normalize_ions (NrtModel *self)
{
  const NrtModelData *d = &self->data;
  const int ena = hh_param_index ("ena"), ek = hh_param_index ("ek");

  for (guint i = 0; i < d->sections->len; i++)
    {
      /* Work on a copy of the values and write back only what differs, so sections an undo
       * snapshot shares stay shared unless they really change. */
      const NrtSection *r = sec_ro (self, i);
      double e_ion[NRT_N_ION];
      memcpy (e_ion, r->e_ion, sizeof e_ion);
      for (int ion = 0; ion < NRT_N_ION; ion++)
        if (ion != NRT_ION_NONSPECIFIC && !nrt_section_uses_ion (d, r, ion))
          e_ion[ion] = nrt_ion_default_e (ion);
      gboolean hh = r->mech[NRT_MECH_HH].inserted;
      const double *hp = r->mech[NRT_MECH_HH].p;
      /* Bitwise comparisons: "unchanged" must mean the very same bits. */
      if (memcmp (e_ion, r->e_ion, sizeof e_ion) == 0
          && (!hh || (memcmp (&hp[ena], &e_ion[NRT_ION_NA], sizeof (double)) == 0
                      && memcmp (&hp[ek], &e_ion[NRT_ION_K], sizeof (double)) == 0)))
        continue;
      NrtSection *s = sec_at (self, i);
      memcpy (s->e_ion, e_ion, sizeof e_ion);
      if (hh)
        {
          s->mech[NRT_MECH_HH].p[ena] = s->e_ion[NRT_ION_NA];
          s->mech[NRT_MECH_HH].p[ek] = s->e_ion[NRT_ION_K];
        }
    }
}

/* ---- mechanisms and channel instances ---- */

int
nrt_model_find_channel (NrtModel *self, const char *name)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), -1);
  for (guint i = 0; name != NULL && i < self->data.channels->len; i++)
    if (strcmp (((NrtChannel *) self->data.channels->pdata[i])->name, name) == 0)
      return (int) i;
  return -1;
}

static NrtChannel *
channel_at (NrtModel *self, int i)
{
  return self->data.channels->pdata[i];
}

const NrtChannelInstance *
nrt_section_find_channel (const NrtSection *sec, int channel)
{
  g_return_val_if_fail (sec != NULL, NULL);
  for (guint c = 0; c < sec->channels->len; c++)
    if (g_array_index (sec->channels, NrtChannelInstance, c).channel == channel)
      return &g_array_index (sec->channels, NrtChannelInstance, c);
  return NULL;
}

/* A built-in mechanism (≥ 0) or a channel (−1 − index). */
static gboolean
require_mechanism (NrtModel *self, const char *mech, int *m, int *channel, GError **error)
{
  *m = mech ? nrt_mechanism_lookup (mech) : -1;
  *channel = *m < 0 ? nrt_model_find_channel (self, mech) : -1;
  if (*m < 0 && *channel < 0)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_MECHANISM,
                   "There is no mechanism or channel “%s” (built in: pas, hh)",
                   mech ? mech : "(null)");
      return FALSE;
    }
  return TRUE;
}

static void
section_set_channel (NrtModel *self, NrtSection *s, int channel, gboolean inserted)
{
  for (guint c = 0; c < s->channels->len; c++)
    if (g_array_index (s->channels, NrtChannelInstance, c).channel == channel)
      {
        if (!inserted)
          g_array_remove_index (s->channels, c);
        return;
      }
  if (inserted)
    {
      const NrtChannel *ch = channel_at (self, channel);
      NrtChannelInstance inst = { channel, ch->gmax, ch->erev };
      g_array_append_val (s->channels, inst);
    }
}

static gboolean
set_inserted (NrtModel *self, const char *target, const char *mech, gboolean inserted,
              GError **error)
{
  int m, channel;

  if (!require_mechanism (self, mech, &m, &channel, error))
    return FALSE;
  if (channel >= 0 && channel_at (self, channel)->kind == NRT_CHANNEL_POINT)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   "“%s” is a point channel: place it as a point process, it cannot be "
                   "inserted in sections", mech);
      return FALSE;
    }
  g_autoptr(GArray) secs = resolve_target (self, target, error);
  if (secs == NULL)
    return FALSE;
  begin_edit (self);
  for (guint i = 0; i < secs->len; i++)
    {
      NrtSection *s = sec_at (self, g_array_index (secs, int, i));
      if (channel >= 0)
        {
          section_set_channel (self, s, channel, inserted);
          continue;
        }
      NrtMechInstance *mi = &s->mech[m];
      const NrtMechanismInfo *info = nrt_mechanism_info (m);
      /* A fresh insert starts at the defaults, as insert does in NEURON (hh's ena and ek
       * then take the section's ion values, in normalize_ions). */
      if (inserted && !mi->inserted)
        for (guint p = 0; p < info->n_params; p++)
          mi->p[p] = info->params[p].def;
      mi->inserted = inserted;
    }
  normalize_ions (self);
  emit_changed (self, NRT_CHANGE_STRUCTURE, -1, -1, mech);
  return TRUE;
}

gboolean
nrt_model_insert_mechanism (NrtModel *self, const char *target, const char *mech,
                            GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  return set_inserted (self, target, mech, TRUE, error);
}

gboolean
nrt_model_uninsert_mechanism (NrtModel *self, const char *target, const char *mech,
                              GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  return set_inserted (self, target, mech, FALSE, error);
}

/* What a parameter name refers to: a built-in's parameter, a channel's gmax or e, or an
 * ion's reversal potential (hh's "ena" and "ek" are the section's ion values). */
typedef enum { PARAM_MECH, PARAM_CHANNEL_GMAX, PARAM_CHANNEL_E, PARAM_ION } ParamKind;

typedef struct {
  ParamKind   kind;
  int         index;  /* mechanism, channel or ion */
  int         p;      /* parameter index of a built-in */
  const char *owner;  /* what must be inserted, for messages */
} ParamRef;

static gboolean
resolve_param (NrtModel *self, const char *param, ParamRef *ref)
{
  static const char *const ion_e[NRT_N_ION] = { NULL, "ena", "ek", "eca" };

  if (param == NULL)
    return FALSE;
  for (int ion = 0; ion < NRT_N_ION; ion++)
    if (ion_e[ion] != NULL && strcmp (param, ion_e[ion]) == 0)
      {
        *ref = (ParamRef) { PARAM_ION, ion, -1, nrt_ion_name (ion) };
        return TRUE;
      }
  for (int k = 0; k < NRT_N_MECH; k++)
    {
      int p = nrt_param_lookup (nrt_mechanism_info (k), param);
      if (p >= 0)
        {
          *ref = (ParamRef) { PARAM_MECH, k, p, nrt_mechanism_info (k)->name };
          return TRUE;
        }
    }
  if (g_str_has_prefix (param, "gmax_") || g_str_has_prefix (param, "e_"))
    {
      gboolean gmax = param[0] == 'g';
      int c = nrt_model_find_channel (self, strchr (param, '_') + 1);
      if (c < 0 || (!gmax && channel_at (self, c)->ion != NRT_ION_NONSPECIFIC))
        return FALSE;
      *ref = (ParamRef) { gmax ? PARAM_CHANNEL_GMAX : PARAM_CHANNEL_E, c, -1,
                          channel_at (self, c)->name };
      return TRUE;
    }
  return FALSE;
}

static gboolean
param_present (NrtModel *self, const NrtSection *s, const ParamRef *ref)
{
  switch (ref->kind)
    {
    case PARAM_MECH:
      return s->mech[ref->index].inserted;
    case PARAM_ION:
      return nrt_section_uses_ion (&self->data, s, ref->index);
    case PARAM_CHANNEL_GMAX:
    case PARAM_CHANNEL_E:
    default:
      return nrt_section_find_channel (s, ref->index) != NULL;
    }
}

gboolean
nrt_model_set_mechanism_param (NrtModel *self, const char *target, const char *param,
                               double value, GError **error)
{
  ParamRef ref;
  gboolean ok;

  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  if (!resolve_param (self, param, &ref))
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_PARAMETER,
                   "There is no mechanism parameter “%s”", param ? param : "(null)");
      return FALSE;
    }
  if (ref.kind == PARAM_MECH)
    {
      const NrtParamInfo *pi = &nrt_mechanism_info (ref.index)->params[ref.p];
      ok = check_range (value, pi->min, pi->max, param, pi->units, error);
    }
  else if (ref.kind == PARAM_CHANNEL_GMAX)
    ok = check_range (value, 0.0, 1e9, param, "S/cm²", error);
  else
    ok = check_range (value, -1000.0, 1000.0, param, "mV", error);
  if (!ok)
    return FALSE;
  g_autoptr(GArray) secs = resolve_target (self, target, error);
  if (secs == NULL)
    return FALSE;
  for (guint i = 0; i < secs->len; i++)
    {
      const NrtSection *s = sec_ro (self, g_array_index (secs, int, i));
      if (!param_present (self, s, &ref))
        {
          if (ref.kind == PARAM_ION)
            g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_MECHANISM,
                         "No mechanism in section “%s” uses the %s ion", s->name, ref.owner);
          else
            g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_MECHANISM,
                         "%s is not inserted in section “%s”", ref.owner, s->name);
          return FALSE;
        }
    }
  begin_edit (self);
  for (guint i = 0; i < secs->len; i++)
    {
      NrtSection *s = sec_at (self, g_array_index (secs, int, i));
      NrtChannelInstance *inst;
      switch (ref.kind)
        {
        case PARAM_MECH:
          s->mech[ref.index].p[ref.p] = value;
          break;
        case PARAM_ION:
          s->e_ion[ref.index] = value;
          break;
        case PARAM_CHANNEL_GMAX:
        case PARAM_CHANNEL_E:
        default:
          inst = (NrtChannelInstance *) nrt_section_find_channel (s, ref.index);
          if (ref.kind == PARAM_CHANNEL_GMAX)
            inst->gmax = value;
          else
            inst->e = value;
          break;
        }
    }
  normalize_ions (self);
  emit_changed (self, NRT_CHANGE_PARAMETER, secs->len == 1 ? g_array_index (secs, int, 0) : -1,
                -1, param);
  return TRUE;
}

/* ---- the channel library ---- */

static gboolean
check_channel_name_free (NrtModel *self, const char *name, int except, GError **error)
{
  int c = nrt_model_find_channel (self, name);

  if ((c >= 0 && c != except) || nrt_point_process_lookup (name) >= 0)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_DUPLICATE_NAME,
                   "A channel or point process named “%s” already exists", name);
      return FALSE;
    }
  return TRUE;
}

gboolean
nrt_model_add_channel (NrtModel *self, const NrtChannel *channel, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  g_return_val_if_fail (channel != NULL, FALSE);
  if (!nrt_channel_validate (channel, error)
      || !check_channel_name_free (self, channel->name, -1, error))
    return FALSE;
  begin_edit (self);
  g_ptr_array_add (self->data.channels, nrt_channel_copy (channel));
  emit_changed (self, NRT_CHANGE_STRUCTURE, -1, -1, channel->name);
  return TRUE;
}

static int
require_channel (NrtModel *self, const char *name, GError **error)
{
  int c = nrt_model_find_channel (self, name);
  if (c < 0)
    g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_MECHANISM,
                 "There is no channel “%s”", name ? name : "(null)");
  return c;
}

/* Whether channel c has instances: inserted in a section, or placed as point processes
 * (or named by a biophysics spec). */
static gboolean
channel_in_use (NrtModel *self, int c)
{
  for (guint i = 0; i < self->data.sections->len; i++)
    if (nrt_section_find_channel (sec_at (self, i), c) != NULL)
      return TRUE;
  for (guint j = 0; j < self->data.point_processes->len; j++)
    if (pp_at (self, j)->type == NRT_PP_CHANNEL && pp_at (self, j)->channel == c)
      return TRUE;
  for (guint k = 0; k < self->data.biophysics_specs->len; k++)
    if (nrt_biophysics_spec_find_channel (self->data.biophysics_specs->pdata[k],
                                          channel_at (self, c)->name) != NULL)
      return TRUE;
  return FALSE;
}

gboolean
nrt_model_replace_channel (NrtModel *self, const char *name, const NrtChannel *channel,
                           GError **error)
{
  int c;

  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  g_return_val_if_fail (channel != NULL, FALSE);
  if ((c = require_channel (self, name, error)) < 0 || !nrt_channel_validate (channel, error)
      || !check_channel_name_free (self, channel->name, c, error))
    return FALSE;
  if (channel->kind != channel_at (self, c)->kind && channel_in_use (self, c))
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   "Channel “%s” is in use as a %s: remove its instances before making it a "
                   "%s", name,
                   channel_at (self, c)->kind == NRT_CHANNEL_POINT ? "point process"
                                                                   : "density mechanism",
                   channel->kind == NRT_CHANNEL_POINT ? "point process" : "density mechanism");
      return FALSE;
    }
  begin_edit (self);
  if (strcmp (name, channel->name) != 0)
    for (guint k = 0; k < self->data.biophysics_specs->len; k++)
      {
        NrtBiophysicsChannel *bc =
          nrt_biophysics_spec_find_channel (self->data.biophysics_specs->pdata[k], name);
        if (bc != NULL)
          {
            g_free (bc->name);
            bc->name = g_strdup (channel->name);
          }
      }
  nrt_channel_free (self->data.channels->pdata[c]);
  self->data.channels->pdata[c] = nrt_channel_copy (channel);
  normalize_ions (self);
  emit_changed (self, NRT_CHANGE_STRUCTURE, -1, -1, channel->name);
  return TRUE;
}

gboolean
nrt_model_remove_channel (NrtModel *self, const char *name, GError **error)
{
  int c;

  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  if ((c = require_channel (self, name, error)) < 0)
    return FALSE;
  begin_edit (self);
  for (guint i = 0; i < self->data.sections->len; i++)
    {
      GArray *insts = sec_at (self, i)->channels;
      for (guint k = insts->len; k-- > 0;)
        {
          NrtChannelInstance *inst = &g_array_index (insts, NrtChannelInstance, k);
          if (inst->channel == c)
            g_array_remove_index (insts, k);
          else if (inst->channel > c)
            inst->channel--;
        }
    }
  /* Its point processes go (NetCons targeting them too, later indices shift down, as
   * remove_point_process_at does), and later channels move down one index. */
  for (guint j = self->data.point_processes->len; j-- > 0;)
    {
      NrtPointProcess *pp = pp_at (self, j);
      if (pp->type != NRT_PP_CHANNEL)
        continue;
      if (pp->channel == c)
        remove_point_process_at (self, j);
      else if (pp->channel > c)
        pp->channel--;
    }
  for (guint k = 0; k < self->data.biophysics_specs->len; k++)
    nrt_biophysics_spec_remove_channel (self->data.biophysics_specs->pdata[k], name);
  g_ptr_array_remove_index (self->data.channels, c);
  normalize_ions (self);
  emit_changed (self, NRT_CHANGE_STRUCTURE, -1, -1, name);
  return TRUE;
}

/* ---- subsets ---- */

static int
require_subset (NrtModel *self, const char *name, gboolean editable, GError **error)
{
  int i = nrt_model_find_subset (self, name);
  if (i < 0)
    g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_SUBSET,
                 "There is no subset “%s”", name ? name : "(null)");
  else if (i == 0 && editable)
    {
      g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                           "The subset “all” always holds every section and cannot be changed");
      return -1;
    }
  return i;
}

static gboolean
check_new_subset_name (NrtModel *self, const char *name, GError **error)
{
  if (!check_identifier (name, "subset", error))
    return FALSE;
  if (nrt_model_find_subset (self, name) >= 0 || nrt_model_find_section (self, name) >= 0)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_DUPLICATE_NAME,
                   "The name “%s” is already used by a subset or section", name);
      return FALSE;
    }
  return TRUE;
}

gboolean
nrt_model_add_subset (NrtModel *self, const char *name, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  if (!check_new_subset_name (self, name, error))
    return FALSE;
  begin_edit (self);
  g_ptr_array_add (self->data.subsets, subset_new (name));
  name_index_appended (&self->subset_index, self->data.subsets, self->data.subsets->len - 1);
  emit_changed (self, NRT_CHANGE_STRUCTURE, -1, -1, "subsets");
  return TRUE;
}

gboolean
nrt_model_remove_subset (NrtModel *self, const char *name, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  int i = require_subset (self, name, TRUE, error);
  if (i < 0)
    return FALSE;
  begin_edit (self);
  specs_drop_target (self, name);
  g_ptr_array_remove_index (self->data.subsets, i);
  self->subset_index.valid = FALSE;
  if (specs_active (self))
    apply_specs (self);
  emit_changed (self, NRT_CHANGE_STRUCTURE, -1, -1, "subsets");
  return TRUE;
}

gboolean
nrt_model_rename_subset (NrtModel *self, const char *name, const char *new_name,
                         GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  int i = require_subset (self, name, TRUE, error);
  if (i < 0 || !check_new_subset_name (self, new_name, error))
    return FALSE;
  begin_edit (self);
  NrtSubset *subset = self->data.subsets->pdata[i];
  specs_rename_target (self, subset->name, new_name);
  g_free (subset->name);
  subset->name = g_strdup (new_name);
  self->subset_index.valid = FALSE;
  emit_changed (self, NRT_CHANGE_STRUCTURE, -1, -1, "subsets");
  return TRUE;
}

/* An editable subset and a section, both of which must exist. */
static gboolean
require_membership_pair (NrtModel *self, const char *subset, const char *section, int *i,
                         int *s, GError **error)
{
  *i = require_subset (self, subset, TRUE, error);
  if (*i < 0)
    return FALSE;
  *s = require_section (self, section, error);
  return *s >= 0;
}

gboolean
nrt_model_subset_add_section (NrtModel *self, const char *subset, const char *section,
                              GError **error)
{
  int i, s;

  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  if (!require_membership_pair (self, subset, section, &i, &s, error))
    return FALSE;
  GArray *m = ((NrtSubset *) self->data.subsets->pdata[i])->members;
  /* Members are sorted: binary search, so that adding sections in order (an import) is
   * O(log n) per section rather than a scan of the whole subset. */
  guint pos = 0, hi = m->len;
  while (pos < hi)
    {
      guint mid = pos + (hi - pos) / 2;
      if (g_array_index (m, int, mid) < s)
        pos = mid + 1;
      else
        hi = mid;
    }
  if (pos < m->len && g_array_index (m, int, pos) == s)
    return TRUE;  /* already a member: nothing to change, nothing to undo */
  begin_edit (self);
  m = ((NrtSubset *) self->data.subsets->pdata[i])->members;
  g_array_insert_val (m, pos, s);
  specs_member_changed (self, subset, pos, TRUE);
  if (specs_active (self))
    apply_specs (self);
  emit_changed (self, NRT_CHANGE_STRUCTURE, s, -1, "subsets");
  return TRUE;
}

gboolean
nrt_model_subset_remove_section (NrtModel *self, const char *subset, const char *section,
                                 GError **error)
{
  int i, s;

  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  if (!require_membership_pair (self, subset, section, &i, &s, error))
    return FALSE;
  GArray *m = ((NrtSubset *) self->data.subsets->pdata[i])->members;
  for (guint j = 0; j < m->len; j++)
    if (g_array_index (m, int, j) == s)
      {
        begin_edit (self);
        g_array_remove_index (((NrtSubset *) self->data.subsets->pdata[i])->members, j);
        specs_member_changed (self, subset, j, FALSE);
        if (specs_active (self))
          apply_specs (self);
        emit_changed (self, NRT_CHANGE_STRUCTURE, s, -1, "subsets");
        return TRUE;
      }
  return TRUE;
}

/* ---- point processes ---- */

static gboolean
require_pp_index (NrtModel *self, guint index, GError **error)
{
  if (index >= self->data.point_processes->len)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_POINT_PROCESS,
                   "There is no point process number %u", index);
      return FALSE;
    }
  return TRUE;
}

int
nrt_model_add_point_process (NrtModel *self, const char *type, const char *section, double x,
                             GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), -1);
  int t = type ? nrt_point_process_lookup (type) : -1;
  int c = t < 0 && type != NULL ? nrt_model_find_channel (self, type) : -1;
  if (t < 0 && c < 0)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_MECHANISM,
                   "There is no point process type or point channel “%s” (built in: IClamp, "
                   "AlphaSynapse, ExpSyn, Exp2Syn, SEClamp, VClamp, APCount)",
                   type ? type : "(null)");
      return -1;
    }
  if (c >= 0 && channel_at (self, c)->kind != NRT_CHANNEL_POINT)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   "“%s” is a density channel: insert it in sections, it cannot be placed as "
                   "a point process", type);
      return -1;
    }
  int s = require_section (self, section, error);
  if (s < 0 || !check_range (x, 0.0, 1.0, "The location x", "", error))
    return -1;
  begin_edit (self);
  NrtPointProcess *pp = g_new0 (NrtPointProcess, 1);
  if (c >= 0)
    t = NRT_PP_CHANNEL;
  const NrtMechanismInfo *info = nrt_point_process_info (t);
  pp->type = t;
  pp->channel = c;
  pp->section = s;
  pp->x = x;
  for (guint p = 0; p < info->n_params; p++)
    pp->p[p] = info->params[p].def;
  if (c >= 0)
    {
      /* KSChan(1)'s alloc: gmax and e from the channel's defaults, Nsingle 1. */
      pp->p[NRT_PCHAN_GMAX] = channel_at (self, c)->gmax;
      pp->p[NRT_PCHAN_E] = channel_at (self, c)->erev;
      pp->p[NRT_PCHAN_NSINGLE] = 1.0;
    }
  g_ptr_array_add (self->data.point_processes, pp);
  int index = (int) self->data.point_processes->len - 1;
  emit_changed (self, NRT_CHANGE_STIMULUS, s, index, NULL);
  return index;
}

gboolean
nrt_model_remove_point_process (NrtModel *self, guint index, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  if (!require_pp_index (self, index, error))
    return FALSE;
  begin_edit (self);
  remove_point_process_at (self, index);
  emit_changed (self, NRT_CHANGE_STIMULUS, -1, -1, NULL);
  return TRUE;
}

gboolean
nrt_model_move_point_process (NrtModel *self, guint index, const char *section, double x,
                              GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  if (!require_pp_index (self, index, error))
    return FALSE;
  int s = require_section (self, section, error);
  if (s < 0 || !check_range (x, 0.0, 1.0, "The location x", "", error))
    return FALSE;
  begin_edit (self);
  pp_at (self, index)->section = s;
  pp_at (self, index)->x = x;
  emit_changed (self, NRT_CHANGE_STIMULUS, s, index, "location");
  return TRUE;
}

gboolean
nrt_model_set_point_process_param (NrtModel *self, guint index, const char *param,
                                   double value, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  if (!require_pp_index (self, index, error))
    return FALSE;
  const NrtPointProcess *target = pp_at (self, index);
  const NrtMechanismInfo *info = nrt_point_process_info (target->type);
  int p = param ? nrt_param_lookup (info, param) : -1;
  if (p >= 0 && target->type == NRT_PP_CHANNEL)
    {
      /* e exists only for NonSpecific channels, Nsingle only with Allow Single Channels. */
      const NrtChannel *ch = channel_at (self, target->channel);
      if ((p == NRT_PCHAN_E && ch->ion != NRT_ION_NONSPECIFIC)
          || (p == NRT_PCHAN_NSINGLE && !ch->single))
        {
          g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_PARAMETER,
                       p == NRT_PCHAN_E ? "Point channel “%s” uses %s's reversal potential: "
                                          "it has no parameter “e”"
                                        : "Point channel “%s” (%s) does not allow single "
                                          "channels: it has no parameter “Nsingle”",
                       ch->name, nrt_ion_name (ch->ion));
          return FALSE;
        }
    }
  if (p < 0)
    {
      g_autofree char *owner = nrt_model_point_process_name (self, index);
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_PARAMETER,
                   "%s has no parameter “%s”", owner, param ? param : "(null)");
      return FALSE;
    }
  const NrtParamInfo *pi = &info->params[p];
  if (!check_range (value, pi->min, pi->max, param, pi->units, error))
    return FALSE;
  begin_edit (self);
  pp_at (self, index)->p[p] = value;
  emit_changed (self, NRT_CHANGE_STIMULUS, pp_at (self, index)->section, index, param);
  return TRUE;
}

char *
nrt_model_point_process_name (NrtModel *self, guint index)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), NULL);
  g_return_val_if_fail (index < self->data.point_processes->len, NULL);
  NrtPointProcessType type = pp_at (self, index)->type;
  int channel = pp_at (self, index)->channel;
  guint n = 0;
  /* Point channels count per channel type ("myK[0]"), as each KSChan(1) is a type of its
   * own in NEURON. */
  for (guint i = 0; i < index; i++)
    if (pp_at (self, i)->type == type && pp_at (self, i)->channel == channel)
      n++;
  if (type == NRT_PP_CHANNEL)
    return g_strdup_printf ("%s[%u]", channel_at (self, channel)->name, n);
  return g_strdup_printf ("%s[%u]", nrt_point_process_info (type)->name, n);
}

int
nrt_model_find_point_process (NrtModel *self, const char *name)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), -1);
  for (guint i = 0; name != NULL && i < self->data.point_processes->len; i++)
    {
      g_autofree char *n = nrt_model_point_process_name (self, i);
      if (strcmp (n, name) == 0)
        return (int) i;
    }
  return -1;
}

int
nrt_model_add_netstim (NrtModel *self, double start, double interval, double number,
                       double noise, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), -1);
  if (!check_range (start, -1e9, 1e9, "NetStim start", "ms", error)
      || !check_positive (interval, "NetStim interval", "ms", error)
      || !check_range (number, 0, 1e9, "NetStim number", "", error)
      || !check_range (noise, 0, 1, "NetStim noise", "", error))
    return -1;
  begin_edit (self);
  NrtNetStim ns = { interval, number, start, noise };
  g_array_append_val (self->data.netstims, ns);
  emit_changed (self, NRT_CHANGE_STIMULUS, -1, -1, "netstim");
  return (int) self->data.netstims->len - 1;
}

int
nrt_model_add_netcon (NrtModel *self, guint netstim, guint target, double weight, double delay,
                      double threshold, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), -1);
  if (netstim >= self->data.netstims->len)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_POINT_PROCESS,
                   "There is no NetStim number %u", netstim);
      return -1;
    }
  if (!require_pp_index (self, target, error))
    return -1;
  NrtPointProcessType type = pp_at (self, target)->type;
  if (type != NRT_PP_EXPSYN && type != NRT_PP_EXP2SYN)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   "A NetCon can only target ExpSyn or Exp2Syn, not %s",
                   nrt_point_process_info (type)->name);
      return -1;
    }
  if (!check_range (weight, -1e9, 1e9, "NetCon weight", "µS", error)
      || !check_range (delay, 0, 1e9, "NetCon delay", "ms", error)
      || !check_range (threshold, -1000, 1000, "NetCon threshold", "mV", error))
    return -1;
  begin_edit (self);
  NrtNetCon nc = { (int) netstim, (int) target, weight, delay, threshold };
  g_array_append_val (self->data.netcons, nc);
  emit_changed (self, NRT_CHANGE_STIMULUS, -1, (int) target, "netcon");
  return (int) self->data.netcons->len - 1;
}

static gboolean
require_netstim_index (NrtModel *self, guint index, GError **error)
{
  if (index >= self->data.netstims->len)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_POINT_PROCESS,
                   "There is no NetStim number %u", index);
      return FALSE;
    }
  return TRUE;
}

static gboolean
require_netcon_index (NrtModel *self, guint index, GError **error)
{
  if (index >= self->data.netcons->len)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_POINT_PROCESS,
                   "There is no NetCon number %u", index);
      return FALSE;
    }
  return TRUE;
}

gboolean
nrt_model_set_netstim_param (NrtModel *self, guint index, const char *param, double value,
                             GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  if (!require_netstim_index (self, index, error))
    return FALSE;
  NrtNetStim ns = g_array_index (self->data.netstims, NrtNetStim, index);
  /* The domains of nrt_model_add_netstim. */
  if (g_strcmp0 (param, "start") == 0)
    {
      if (!check_range (value, -1e9, 1e9, "NetStim start", "ms", error))
        return FALSE;
      ns.start = value;
    }
  else if (g_strcmp0 (param, "interval") == 0)
    {
      if (!check_positive (value, "NetStim interval", "ms", error))
        return FALSE;
      ns.interval = value;
    }
  else if (g_strcmp0 (param, "number") == 0)
    {
      if (!check_range (value, 0, 1e9, "NetStim number", "", error))
        return FALSE;
      ns.number = value;
    }
  else if (g_strcmp0 (param, "noise") == 0)
    {
      if (!check_range (value, 0, 1, "NetStim noise", "", error))
        return FALSE;
      ns.noise = value;
    }
  else
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_PARAMETER,
                   "NetStim has no parameter “%s”", param ? param : "(null)");
      return FALSE;
    }
  begin_edit (self);
  g_array_index (self->data.netstims, NrtNetStim, index) = ns;
  emit_changed (self, NRT_CHANGE_STIMULUS, -1, -1, "netstim");
  return TRUE;
}

gboolean
nrt_model_remove_netstim (NrtModel *self, guint index, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  if (!require_netstim_index (self, index, error))
    return FALSE;
  begin_edit (self);
  g_array_remove_index (self->data.netstims, index);
  for (guint j = self->data.netcons->len; j-- > 0;)
    {
      NrtNetCon *nc = &g_array_index (self->data.netcons, NrtNetCon, j);
      if (nc->source == (int) index)
        g_array_remove_index (self->data.netcons, j);
      else if (nc->source > (int) index)
        nc->source--;
    }
  emit_changed (self, NRT_CHANGE_STIMULUS, -1, -1, "netstim");
  return TRUE;
}

gboolean
nrt_model_set_netcon_param (NrtModel *self, guint index, const char *param, double value,
                            GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  if (!require_netcon_index (self, index, error))
    return FALSE;
  NrtNetCon nc = g_array_index (self->data.netcons, NrtNetCon, index);
  /* The domains of nrt_model_add_netcon. */
  if (g_strcmp0 (param, "weight") == 0)
    {
      if (!check_range (value, -1e9, 1e9, "NetCon weight", "µS", error))
        return FALSE;
      nc.weight = value;
    }
  else if (g_strcmp0 (param, "delay") == 0)
    {
      if (!check_range (value, 0, 1e9, "NetCon delay", "ms", error))
        return FALSE;
      nc.delay = value;
    }
  else if (g_strcmp0 (param, "threshold") == 0)
    {
      if (!check_range (value, -1000, 1000, "NetCon threshold", "mV", error))
        return FALSE;
      nc.threshold = value;
    }
  else
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_PARAMETER,
                   "NetCon has no parameter “%s”", param ? param : "(null)");
      return FALSE;
    }
  begin_edit (self);
  g_array_index (self->data.netcons, NrtNetCon, index) = nc;
  emit_changed (self, NRT_CHANGE_STIMULUS, -1, nc.target, "netcon");
  return TRUE;
}

gboolean
nrt_model_remove_netcon (NrtModel *self, guint index, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  if (!require_netcon_index (self, index, error))
    return FALSE;
  int target = g_array_index (self->data.netcons, NrtNetCon, index).target;
  begin_edit (self);
  g_array_remove_index (self->data.netcons, index);
  emit_changed (self, NRT_CHANGE_STIMULUS, -1, target, "netcon");
  return TRUE;
}

gboolean
nrt_model_set_settings (NrtModel *self, const NrtRunSettings *s, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  g_return_val_if_fail (s != NULL, FALSE);
  if (!check_range (s->tstop, 0, 1e9, "Tstop", "ms", error)
      || !check_positive (s->dt, "dt", "ms", error)
      || !check_range (s->dt, 0, 1e6, "dt", "ms", error)
      || !check_range (s->v_init, -1000, 1000, "Init", "mV", error)
      || !check_range (s->celsius, -273.15, 1000, "celsius", "°C", error)
      || !check_positive (s->points_per_ms, "Points plotted/ms", "", error))
    return FALSE;
  for (int ion = NRT_ION_NA; ion < NRT_N_ION; ion++)
    {
      g_autofree char *ci = g_strdup_printf ("%si", nrt_ion_name (ion));
      g_autofree char *co = g_strdup_printf ("%so", nrt_ion_name (ion));
      if (!check_positive (s->conc_i[ion], ci, "mM", error)
          || !check_positive (s->conc_o[ion], co, "mM", error))
        return FALSE;
    }
  if (s->method != NRT_METHOD_IMPLICIT && s->method != NRT_METHOD_CN)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   "Unknown integration method %d", (int) s->method);
      return FALSE;
    }
  begin_edit (self);
  self->data.settings = *s;
  self->data.settings.hh_use_table = s->hh_use_table ? TRUE : FALSE;
  emit_changed (self, NRT_CHANGE_SETTINGS, -1, -1, NULL);
  return TRUE;
}

void
nrt_model_add_foreign_xml (NrtModel *self, const char *xml)
{
  g_return_if_fail (NRT_IS_MODEL (self));
  g_return_if_fail (xml != NULL);
  g_ptr_array_add (self->data.foreign_xml, g_strdup (xml));
}

/* ------------------------------------------------------------------------------------ */
/* CellBuilder specifications                                                            */

/* The L that makes a cylinder of area 100 µm² have an axial resistance in MΩ equal to Ra in
 * Ω·cm: 0.04·Ra·L/(π·d²) = Ra with d = 100/(π·L) gives L³ = 1e6/(4π) (celgeom.hoc, "circuit"). */
#define CIRCUIT_L (cbrt (1e6 / (4.0 * G_PI)))

static gboolean
check_geometry_spec (NrtModel *self, const NrtGeometrySpec *spec, GError **error)
{
  if (spec == NULL || spec->target == NULL)
    {
      g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                           "A geometry specification needs a subset or section");
      return FALSE;
    }
  int subset = nrt_model_find_subset (self, spec->target);
  g_autoptr(GArray) members = resolve_target (self, spec->target, error);
  if (members == NULL || !nrt_geometry_kinds_consistent (spec->kinds, subset >= 0, error))
    return FALSE;
  if (((spec->kinds & NRT_GEO_L) && !check_positive (spec->L, "L", "µm", error))
      || ((spec->kinds & NRT_GEO_DIAM) && !check_positive (spec->diam, "diam", "µm", error))
      || ((spec->kinds & NRT_GEO_AREA) && !check_positive (spec->area, "area", "µm²", error))
      || ((spec->kinds & NRT_GEO_D_LAMBDA)
          && !check_positive (spec->d_lambda, "d_lambda", "", error))
      || ((spec->kinds & NRT_GEO_D_X) && !check_positive (spec->d_X, "d_X", "µm", error))
      || ((spec->kinds & NRT_GEO_NSEG)
          && !check_range (spec->nseg, 1, MAX_NSEG, "nseg", "", error)))
    return FALSE;
  if ((spec->kinds & NRT_GEO_NSEG) && spec->nseg != floor (spec->nseg))
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   "nseg must be a whole number, not %g", spec->nseg);
      return FALSE;
    }
  const GArray *distinct[2] = { (spec->kinds & NRT_GEO_DISTINCT_L) ? spec->distinct_L : NULL,
                                (spec->kinds & NRT_GEO_DISTINCT_DIAM) ? spec->distinct_diam
                                                                        : NULL };
  for (int k = 0; k < 2; k++)
    for (guint i = 0; distinct[k] != NULL && i < distinct[k]->len; i++)
      if (!check_positive (g_array_index (distinct[k], double, i), k ? "diam" : "L", "µm",
                           error))
        return FALSE;
  return TRUE;
}

static gboolean
check_biophysics_spec (NrtModel *self, const NrtBiophysicsSpec *spec, GError **error)
{
  if (spec == NULL || spec->target == NULL)
    {
      g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                           "A biophysics specification needs a subset or section");
      return FALSE;
    }
  g_autoptr(GArray) members = resolve_target (self, spec->target, error);
  if (members == NULL || (spec->has_Ra && !check_positive (spec->Ra, "Ra", "Ω·cm", error))
      || (spec->has_cm && !check_range (spec->cm, 0, 1e12, "cm", "µF/cm²", error)))
    return FALSE;
  for (int m = 0; m < NRT_N_MECH; m++)
    {
      const NrtMechanismInfo *info = nrt_mechanism_info (m);
      if (!spec->mech[m].inserted)
        continue;
      for (guint p = 0; p < info->n_params; p++)
        if (!check_range (spec->mech[m].p[p], info->params[p].min, info->params[p].max,
                          info->params[p].name, info->params[p].units, error))
          return FALSE;
    }
  for (guint k = 0; spec->channels != NULL && k < spec->channels->len; k++)
    {
      const NrtBiophysicsChannel *c = &g_array_index (spec->channels, NrtBiophysicsChannel, k);
      int ch = nrt_model_find_channel (self, c->name);
      g_autofree char *gname = g_strdup_printf ("gmax_%s", c->name ? c->name : "?");
      g_autofree char *ename = g_strdup_printf ("e_%s", c->name ? c->name : "?");

      if (ch < 0)
        {
          g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_MECHANISM,
                       "There is no channel “%s”", c->name ? c->name : "(null)");
          return FALSE;
        }
      if (((NrtChannel *) self->data.channels->pdata[ch])->kind == NRT_CHANNEL_POINT)
        {
          g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                       "“%s” is a point channel: place it as a point process, it cannot be "
                       "inserted in sections", c->name);
          return FALSE;
        }
      for (guint j = 0; j < k; j++)
        if (strcmp (g_array_index (spec->channels, NrtBiophysicsChannel, j).name, c->name) == 0)
          {
            g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                         "Channel “%s” is listed twice", c->name);
            return FALSE;
          }
      if (!check_range (c->gmax, 0, G_MAXDOUBLE, gname, "S/cm²", error)
          || !check_range (c->e, -G_MAXDOUBLE, G_MAXDOUBLE, ename, "mV", error))
        return FALSE;
    }
  return TRUE;
}

static double
distinct_value (const GArray *values, guint i, double fallback)
{
  return values != NULL && i < values->len ? g_array_index (values, double, i) : fallback;
}

/* Regenerates geometry and biophysics from the spec lists, as the CellBuilder's exported
 * code does: defaults first, then every spec in order, then the nseg rules (geom_nseg after
 * biophys, since d_lambda depends on Ra and cm).  A member list that no longer matches a
 * spec's distinct values (sections added to the subset since) gets the CellBuilder's
 * defaults for the missing ones. */
static void
apply_specs (NrtModel *self)
{
  NrtModelData *d = &self->data;

  if (d->geometry_specs->len > 0)
    {
      for (guint i = 0; i < d->sections->len; i++)
        {
          NrtSection *s = sec_at (self, i);
          s->nseg_strategy = NRT_NSEG_FIXED;
          s->nseg = 1;
          if (s->pt3d == NULL || s->pt3d->len == 0)
            {
              s->L = 100.0;
              s->diam = 500.0;
            }
        }
      for (guint k = 0; k < d->geometry_specs->len; k++)
        {
          const NrtGeometrySpec *spec = d->geometry_specs->pdata[k];
          g_autoptr(GArray) members = resolve_target (self, spec->target, NULL);
          for (guint j = 0; members != NULL && j < members->len; j++)
            {
              NrtSection *s = sec_at (self, g_array_index (members, int, j));
              gboolean stick = s->pt3d == NULL || s->pt3d->len == 0;
              if (stick && (spec->kinds & NRT_GEO_L))
                s->L = spec->L;
              if (stick && (spec->kinds & NRT_GEO_DIAM))
                s->diam = spec->diam;
              if (stick && (spec->kinds & NRT_GEO_DISTINCT_L))
                s->L = distinct_value (spec->distinct_L, j, 100.0);
              if (stick && (spec->kinds & NRT_GEO_DISTINCT_DIAM))
                s->diam = distinct_value (spec->distinct_diam, j, 1.0);
              if (stick && (spec->kinds & NRT_GEO_AREA))
                s->L = s->diam = sqrt (spec->area / G_PI);
              if (stick && (spec->kinds & NRT_GEO_CIRCUIT))
                {
                  s->L = CIRCUIT_L;
                  s->diam = 100.0 / CIRCUIT_L / G_PI;
                }
              if (spec->kinds & NRT_GEO_NSEG)
                {
                  s->nseg_strategy = NRT_NSEG_FIXED;
                  s->nseg = (int) spec->nseg;
                }
              if (spec->kinds & NRT_GEO_D_LAMBDA)
                {
                  s->nseg_strategy = NRT_NSEG_D_LAMBDA;
                  s->d_lambda = spec->d_lambda;
                }
              if (spec->kinds & NRT_GEO_D_X)
                {
                  s->nseg_strategy = NRT_NSEG_D_X;
                  s->d_X = spec->d_X;
                }
            }
        }
    }

  if (d->biophysics_specs->len > 0)
    {
      for (guint i = 0; i < d->sections->len; i++)
        {
          NrtSection *s = sec_at (self, i);
          s->Ra = 35.4;
          s->cm = 1.0;
          for (int m = 0; m < NRT_N_MECH; m++)
            s->mech[m].inserted = FALSE;
          g_array_set_size (s->channels, 0);
        }
      for (guint k = 0; k < d->biophysics_specs->len; k++)
        {
          const NrtBiophysicsSpec *spec = d->biophysics_specs->pdata[k];
          g_autoptr(GArray) members = resolve_target (self, spec->target, NULL);
          for (guint j = 0; members != NULL && j < members->len; j++)
            {
              NrtSection *s = sec_at (self, g_array_index (members, int, j));
              if (spec->has_Ra)
                s->Ra = spec->Ra;
              if (spec->has_cm)
                s->cm = spec->cm;
              for (int m = 0; m < NRT_N_MECH; m++)
                if (spec->mech[m].inserted)
                  s->mech[m] = spec->mech[m];
              /* A spec's hh carries the values of the section's na and k ions. */
              if (spec->mech[NRT_MECH_HH].inserted)
                {
                  s->e_ion[NRT_ION_NA] = spec->mech[NRT_MECH_HH].p[hh_param_index ("ena")];
                  s->e_ion[NRT_ION_K] = spec->mech[NRT_MECH_HH].p[hh_param_index ("ek")];
                }
              for (guint c = 0; spec->channels != NULL && c < spec->channels->len; c++)
                {
                  const NrtBiophysicsChannel *bc =
                    &g_array_index (spec->channels, NrtBiophysicsChannel, c);
                  int ch = nrt_model_find_channel (self, bc->name);
                  NrtChannelInstance *inst;
                  if (ch < 0)
                    continue;
                  section_set_channel (self, s, ch, TRUE);
                  inst = (NrtChannelInstance *) nrt_section_find_channel (s, ch);
                  inst->gmax = bc->gmax;
                  inst->e = bc->e;
                }
            }
        }
      normalize_ions (self);
    }

  for (guint i = 0; i < d->sections->len; i++)
    update_nseg (sec_at (self, i));
}

static gboolean
specs_active (NrtModel *self)
{
  return self->data.geometry_specs->len > 0 || self->data.biophysics_specs->len > 0;
}

static void
specs_rename_target (NrtModel *self, const char *old_name, const char *new_name)
{
  GPtrArray *lists[2] = { self->data.geometry_specs, self->data.biophysics_specs };

  /* Both spec structs start with their target, so one loop serves both lists. */
  G_STATIC_ASSERT (G_STRUCT_OFFSET (NrtGeometrySpec, target) == 0);
  G_STATIC_ASSERT (G_STRUCT_OFFSET (NrtBiophysicsSpec, target) == 0);
  for (int l = 0; l < 2; l++)
    for (guint k = 0; k < lists[l]->len; k++)
      {
        char **target = lists[l]->pdata[k];
        if (g_strcmp0 (*target, old_name) == 0)
          {
            g_free (*target);
            *target = g_strdup (new_name);
          }
      }
}

static void
specs_drop_target (NrtModel *self, const char *name)
{
  GPtrArray *lists[2] = { self->data.geometry_specs, self->data.biophysics_specs };

  for (int l = 0; l < 2; l++)
    for (guint k = lists[l]->len; k-- > 0;)
      if (g_strcmp0 (*(char **) lists[l]->pdata[k], name) == 0)
        g_ptr_array_remove_index (lists[l], k);
}

/* A member was inserted at or removed from position pos of subset: keep each distinct value
 * with its own section. */
static void
specs_member_changed (NrtModel *self, const char *subset, guint pos, gboolean inserted)
{
  for (guint k = 0; k < self->data.geometry_specs->len; k++)
    {
      NrtGeometrySpec *spec = self->data.geometry_specs->pdata[k];
      GArray *arrays[2] = { spec->distinct_L, spec->distinct_diam };
      double defaults[2] = { 100.0, 1.0 };

      if (g_strcmp0 (spec->target, subset) != 0)
        continue;
      for (int a = 0; a < 2; a++)
        {
          if (arrays[a] == NULL || pos > arrays[a]->len)
            continue;
          if (inserted)
            g_array_insert_val (arrays[a], pos, defaults[a]);
          else if (pos < arrays[a]->len)
            g_array_remove_index (arrays[a], pos);
        }
    }
}

gboolean
nrt_model_set_geometry_specs (NrtModel *self, NrtGeometrySpec *const *specs, guint n,
                              GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  g_return_val_if_fail (specs != NULL || n == 0, FALSE);
  for (guint i = 0; i < n; i++)
    if (!check_geometry_spec (self, specs[i], error))
      {
        g_prefix_error (error, "Geometry for “%s”: ", specs[i] && specs[i]->target
                                                        ? specs[i]->target : "?");
        return FALSE;
      }
  /* Copy before dropping the old list: specs may point into it. */
  GPtrArray *fresh = g_ptr_array_new_full (n, (GDestroyNotify) nrt_geometry_spec_free);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (fresh, nrt_geometry_spec_copy (specs[i]));
  begin_edit (self);
  g_ptr_array_unref (self->data.geometry_specs);
  self->data.geometry_specs = fresh;
  apply_specs (self);
  emit_changed (self, NRT_CHANGE_GEOMETRY, -1, -1, "geometry-specs");
  return TRUE;
}

gboolean
nrt_model_set_biophysics_specs (NrtModel *self, NrtBiophysicsSpec *const *specs, guint n,
                                GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  g_return_val_if_fail (specs != NULL || n == 0, FALSE);
  for (guint i = 0; i < n; i++)
    if (!check_biophysics_spec (self, specs[i], error))
      {
        g_prefix_error (error, "Biophysics for “%s”: ", specs[i] && specs[i]->target
                                                          ? specs[i]->target : "?");
        return FALSE;
      }
  GPtrArray *fresh = g_ptr_array_new_full (n, (GDestroyNotify) nrt_biophysics_spec_free);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (fresh, nrt_biophysics_spec_copy (specs[i]));
  begin_edit (self);
  g_ptr_array_unref (self->data.biophysics_specs);
  self->data.biophysics_specs = fresh;
  apply_specs (self);
  /* Mechanisms may have been inserted or removed: the layout of the network changes. */
  emit_changed (self, NRT_CHANGE_STRUCTURE, -1, -1, "biophysics-specs");
  return TRUE;
}

gboolean
nrt_model_import_specs (NrtModel *self, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);

  begin_edit (self);
  g_ptr_array_set_size (self->data.geometry_specs, 0);
  g_ptr_array_set_size (self->data.biophysics_specs, 0);
  for (guint i = 0; i < self->data.sections->len; i++)
    {
      const NrtSection *s = sec_at (self, i);
      NrtGeometrySpec *g = nrt_geometry_spec_new (s->name);
      NrtBiophysicsSpec *b = nrt_biophysics_spec_new (s->name);

      if (s->pt3d == NULL || s->pt3d->len == 0)
        {
          g->kinds |= NRT_GEO_L | NRT_GEO_DIAM;
          g->L = s->L;
          g->diam = s->diam;
        }
      switch (s->nseg_strategy)
        {
        case NRT_NSEG_D_LAMBDA:
          g->kinds |= NRT_GEO_D_LAMBDA;
          g->d_lambda = s->d_lambda;
          break;
        case NRT_NSEG_D_X:
          g->kinds |= NRT_GEO_D_X;
          g->d_X = s->d_X;
          break;
        case NRT_NSEG_FIXED:
        default:
          g->kinds |= NRT_GEO_NSEG;
          g->nseg = s->nseg;
          break;
        }
      g_ptr_array_add (self->data.geometry_specs, g);

      b->has_Ra = b->has_cm = TRUE;
      b->Ra = s->Ra;
      b->cm = s->cm;
      for (int m = 0; m < NRT_N_MECH; m++)
        if (s->mech[m].inserted)
          b->mech[m] = s->mech[m];
      for (guint c = 0; c < s->channels->len; c++)
        {
          const NrtChannelInstance *inst = &g_array_index (s->channels, NrtChannelInstance, c);
          nrt_biophysics_spec_set_channel (b, channel_at (self, inst->channel)->name, inst->gmax,
                                           inst->e);
        }
      g_ptr_array_add (self->data.biophysics_specs, b);
    }
  apply_specs (self);
  emit_changed (self, NRT_CHANGE_STRUCTURE, -1, -1, "specs");
  return TRUE;
}

gboolean
nrt_model_set_class_name (NrtModel *self, const char *name, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  if (!check_identifier (name, "class", error))
    return FALSE;
  begin_edit (self);
  g_free (self->data.class_name);
  self->data.class_name = g_strdup (name);
  emit_changed (self, NRT_CHANGE_SETTINGS, -1, -1, "class-name");
  return TRUE;
}

gboolean
nrt_model_set_cell_output (NrtModel *self, const char *section, double x, double threshold,
                           GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  if ((section != NULL && require_section (self, section, error) < 0)
      || !check_range (x, 0.0, 1.0, "The output location x", "", error)
      || !check_range (threshold, -1000, 1000, "The threshold", "mV", error))
    return FALSE;
  begin_edit (self);
  g_free (self->data.output_section);
  self->data.output_section = g_strdup (section);
  self->data.output_x = x;
  self->data.threshold = threshold;
  emit_changed (self, NRT_CHANGE_SETTINGS, -1, -1, "cell-output");
  return TRUE;
}

gboolean
nrt_model_move_subset (NrtModel *self, guint from, guint to, GError **error)
{
  guint n;

  g_return_val_if_fail (NRT_IS_MODEL (self), FALSE);
  n = self->data.subsets->len;
  if (from == 0 || to == 0)
    {
      g_set_error_literal (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                           "The subset “all” always comes first");
      return FALSE;
    }
  if (from >= n || to >= n)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_SUBSET,
                   "There is no subset at position %u", MAX (from, to));
      return FALSE;
    }
  if (from == to)
    return TRUE;
  begin_edit (self);
  gpointer subset = g_ptr_array_steal_index (self->data.subsets, from);
  g_ptr_array_insert (self->data.subsets, (int) to, subset);
  self->subset_index.valid = FALSE;
  emit_changed (self, NRT_CHANGE_STRUCTURE, -1, -1, "subsets");
  return TRUE;
}

void
nrt_model_set_view_state (NrtModel *self, const char *text)
{
  g_return_if_fail (NRT_IS_MODEL (self));
  if (g_strcmp0 (self->data.view_state, text) == 0)
    return;
  g_free (self->data.view_state);
  self->data.view_state = g_strdup (text);
}
