/* nrt-network.c: compiles an NrtModel into NEURON's node tree, areas, axial coefficients.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reproduces NEURON 8.2.2 treeset.cpp: nrn_area_ri() for cylinders, diam_from_list() for
 * sections with 3-D points, and connection_coef() for the matrix coefficients NODEA/NODEB.
 */
#include "nrt-sim-private.h"

#include <string.h>

/* NEURON's own PI (treeset.cpp). */
#define NRN_PI 3.14159265358979323846

G_DEFINE_QUARK (nrt-sim-error-quark, nrt_sim_error)

static double
param (const NrtMechanismInfo *info, const double *p, const char *name)
{
  int i = nrt_param_lookup (info, name);
  g_assert (i >= 0);
  return p[i];
}

int
nrt_network_find_section (const NrtNetwork *net, const char *name)
{
  for (guint i = 0; i < net->n_sections; i++)
    if (strcmp (net->sections[i].name, name) == 0)
      return (int) i;
  return -1;
}

guint
nrt_network_segment_at (const NrtNetwork *net, guint isec, double x)
{
  const NrtNetSection *s = &net->sections[isec];
  /* node_index(): int(x*nseg), with x = 1 folded onto the last segment. */
  double fi = x * (double) s->nseg;
  guint i = fi <= 0.0 ? 0 : (guint) fi;
  return MIN (i, s->nseg - 1);
}

int
nrt_network_node_at (const NrtNetwork *net, guint isec, double x)
{
  const NrtNetSection *s = &net->sections[isec];
  if (x <= 0.0)
    return s->node0;
  if (x >= 1.0)
    return s->node[s->nseg];
  return s->node[nrt_network_segment_at (net, isec, x)];
}

/* treeset.cpp diam_from_list(): trapezoidal integration of diameter, lateral area and axial
 * resistance over the pt3d polyline, one half segment at a time.  The pt3d values are C
 * floats (as NEURON stores them); arc lengths are double sums of float differences
 * (nrn_pt3dmodified).  `it` carries what NEURON keeps in static variables between
 * consecutive segments.  Fills area and 1/ri of the segment node; returns the segment's
 * right-half resistance (MΩ). */
typedef struct {
  int    j;
  double x1, y1, ds;
} DiamIter;

static double
diam_from_list (const NrtPt3d *pt, const double *arc, int npt, guint nseg, guint inode,
                double Ra, double rparent, DiamIter *it, double *area_out, double *rinv_out)
{
  double si, sip, area = 0.0, ri = 0.0, rleft = 0.0, delta, temp;

  if (inode == 0)
    {
      it->j = 0;
      it->x1 = arc[0];
      it->y1 = fabs ((double) pt[0].d);
      it->ds = arc[npt - 1] / (double) nseg;
    }
  si = (double) inode * it->ds;
  for (int ihalf = 0; ihalf < 2; ihalf++)
    {
      ri = 0.0;
      sip = si + it->ds / 2.0;
      for (;;)
        {
          int j = it->j, jp = j + 1, jnext;
          double x2, y2, xj = arc[j], xjp = arc[jp];

          if (xjp > sip || jp == npt - 1)
            {
              double frac = fabs (xjp - xj) < 1e-10 ? 1.0 : (sip - xj) / (xjp - xj);
              x2 = sip;
              y2 = (1.0 - frac) * fabs ((double) pt[j].d) + frac * fabs ((double) pt[jp].d);
              jnext = j;
            }
          else
            {
              x2 = xjp;
              y2 = fabs ((double) pt[jp].d);
              jnext = jp;
            }
          delta = x2 - it->x1;
          if (delta < 1e-15)
            delta = 1e-15;
          if ((temp = y2 * it->y1 / delta) == 0)
            temp = 1e-15;
          ri += 1 / temp;
          temp = .5 * (y2 - it->y1);
          temp = sqrt (delta * delta + temp * temp);
          area += (y2 + it->y1) * temp;
          it->x1 = x2;
          it->y1 = y2;
          if (j == jnext)
            break;
          it->j = jnext;
        }
      if (ihalf == 0)
        rleft = ri * Ra / NRN_PI * (4. * .01);
      else
        ri = ri * Ra / NRN_PI * (4. * .01);
      si = sip;
    }
  *rinv_out = 1. / (rparent + rleft);
  *area_out = area * .5 * NRN_PI;
  return ri;
}

/* Fills area[] and ri[] for the nseg segment nodes and the x = 1 node of one section
 * (treeset.cpp nrn_area_ri). */
static void
section_area_ri (const NrtSection *sec, guint nseg, double *area, double *rinv)
{
  if (sec->pt3d != NULL && sec->pt3d->len > 1)
    {
      const NrtPt3d *pt = (const NrtPt3d *) sec->pt3d->data;
      int npt = (int) sec->pt3d->len;
      g_autofree double *arc = g_new (double, npt);
      DiamIter it = { 0, 0.0, 0.0, 0.0 };
      double rright = 0.0;

      /* nrn_pt3dmodified: float differences, squared and summed in double. */
      arc[0] = 0.0;
      for (int i = 1; i < npt; i++)
        {
          double t1 = pt[i].x - pt[i - 1].x;
          double t2 = pt[i].y - pt[i - 1].y;
          double t3 = pt[i].z - pt[i - 1].z;
          arc[i] = arc[i - 1] + sqrt (t1 * t1 + t2 * t2 + t3 * t3);
        }
      for (guint j = 0; j < nseg; j++)
        rright = diam_from_list (pt, arc, npt, nseg, j, sec->Ra, rright, &it, &area[j],
                                 &rinv[j]);
      area[nseg] = 1.e2;
      rinv[nseg] = 1. / rright;
      return;
    }

  double dx = sec->L / (double) nseg, diam = sec->diam, rright = 0.0;
  for (guint j = 0; j < nseg; j++)
    {
      double rleft = 1e-2 * sec->Ra * (dx / 2) / (NRN_PI * diam * diam / 4.);
      area[j] = NRN_PI * diam * dx;
      rinv[j] = 1. / (rleft + rright);
      rright = rleft;
    }
  /* The x = 1 node: zero membrane area, stored as 1e2 so its equation is in nA. */
  area[nseg] = 1.e2;
  rinv[nseg] = 1. / rright;
}

static void
permute_doubles (double *x, const int *perm, guint n)
{
  g_autofree double *tmp = g_memdup2 (x, n * sizeof (double));
  for (guint i = 0; i < n; i++)
    x[perm[i]] = tmp[i];
}

/* Renumbers the nodes breadth first by depth (roots, then all nodes one step from a root,
 * and so on).  Parents still precede children, but consecutive nodes of the Hines loops now
 * lie on different branches, so their divisions overlap instead of forming one serial chain
 * per section.  Only the order of the additions into a branch point changes, at the level
 * of rounding. */
static void
renumber_by_depth (NrtNetwork *net)
{
  const guint N = net->n_nodes;
  g_autofree int *depth = g_new (int, N);
  g_autofree int *perm = g_new (int, N);     /* old → new */
  g_autofree int *count = NULL;
  int max_depth = 0;

  for (guint i = 0; i < N; i++)
    {
      depth[i] = net->parent[i] < 0 ? 0 : depth[net->parent[i]] + 1;
      max_depth = MAX (max_depth, depth[i]);
    }
  count = g_new0 (int, max_depth + 2);
  for (guint i = 0; i < N; i++)
    count[depth[i] + 1]++;
  for (int d = 1; d <= max_depth + 1; d++)
    count[d] += count[d - 1];
  for (guint i = 0; i < N; i++)
    perm[i] = count[depth[i]]++;

  g_autofree int *parent = g_memdup2 (net->parent, N * sizeof (int));
  for (guint i = 0; i < N; i++)
    net->parent[perm[i]] = parent[i] < 0 ? -1 : perm[parent[i]];
  permute_doubles (net->a, perm, N);
  permute_doubles (net->b, perm, N);
  permute_doubles (net->area, perm, N);
  permute_doubles (net->ri, perm, N);
  permute_doubles (net->cm, perm, N);
  for (guint i = 0; i < net->n_sections; i++)
    {
      NrtNetSection *s = &net->sections[i];
      s->node0 = perm[s->node0];
      for (guint j = 0; j <= s->nseg; j++)
        s->node[j] = perm[s->node[j]];
    }
  for (guint k = 0; k < net->n_hh; k++)
    net->hh_node[k] = perm[net->hh_node[k]];
  for (guint k = 0; k < net->n_pas; k++)
    net->pas_node[k] = perm[net->pas_node[k]];
  for (guint p = 0; p < net->n_pp; p++)
    net->pp_node[p] = perm[net->pp_node[p]];
  for (guint k = 0; k < net->n_chan; k++)
    net->chan_node[k] = perm[net->chan_node[k]];
}

/* One kinetic scheme of a channel type, ligand rates evaluated at the run's concentrations. */
static void
compile_scheme (NrtNetChannel *t, NrtNetScheme *sc, const NrtKsScheme *ks,
                const NrtRunSettings *settings, guint offset)
{
  guint k = 0;

  sc->n_states = ks->states->len;
  sc->offset = offset;
  sc->power = ks->power;
  sc->fraction = g_new (double, sc->n_states);
  for (guint j = 0; j < sc->n_states; j++)
    {
      const NrtKsState *st = g_ptr_array_index (ks->states, j);
      sc->fraction[j] = st->fraction;
      t->state_names[offset + j] = g_strdup (st->name);
    }
  sc->n_trans = ks->transitions->len;
  sc->trans = g_new0 (NrtNetTrans, sc->n_trans + 1);
  /* KSChan keeps voltage-gated transitions before ligand-gated ones (iligtrans_), and fills
   * its matrix in that order. */
  for (int pass = 0; pass < 2; pass++)
    for (guint j = 0; j < ks->transitions->len; j++)
      {
        const NrtKsTransition *tr = &g_array_index (ks->transitions, NrtKsTransition, j);
        gboolean ligand = tr->type == NRT_TRANS_LIGAND_OUTSIDE
                          || tr->type == NRT_TRANS_LIGAND_INSIDE;
        if (ligand != (pass == 1))
          continue;
        NrtNetTrans *nt = &sc->trans[k++];
        nt->from = tr->from;
        nt->to = tr->to;
        nt->ligand = ligand;
        nt->t = *tr;
        /* The run keeps its own references to custom rate functions: the model may drop
         * the channel while the run goes on. */
        for (int r = 0; r < 2; r++)
          if (nt->t.rate[r].func)
            nrt_rate_func_ref (nt->t.rate[r].func);
        if (ligand)
          {
            double conc = tr->type == NRT_TRANS_LIGAND_INSIDE ? settings->conc_i[tr->ligand]
                                                              : settings->conc_o[tr->ligand];
            nrt_ks_transition_rates (tr, 0.0, conc, t->factor, &nt->alpha, &nt->beta);
            t->uses_ligands = TRUE;
          }
      }
  g_assert (k == sc->n_trans);
}

static void
compile_channel_type (NrtNetChannel *t, const NrtChannel *ch, const NrtRunSettings *settings,
                      guint *max_scheme_states)
{
  guint offset;

  t->name = g_strdup (ch->name);
  t->kind = ch->kind;
  t->ion = ch->ion;
  t->ghk = ch->conductance == NRT_CONDUCTANCE_GHK && ch->ion != NRT_ION_NONSPECIFIC;
  t->z = nrt_ion_charge (ch->ion);
  t->ci = settings->conc_i[ch->ion];
  t->co = settings->conc_o[ch->ion];
  t->single = ch->single;
  t->factor = nrt_channel_rate_factor (ch, settings->celsius);
  t->celsius = settings->celsius;
  t->n_gates = ch->gates->len;
  t->n_states = nrt_channel_n_states (ch);
  t->state_names = g_new0 (char *, t->n_states + 1);
  t->gates = g_new0 (NrtGate, t->n_gates + 1);
  for (guint g = 0; g < t->n_gates; g++)
    {
      t->gates[g] = *(const NrtGate *) g_ptr_array_index (ch->gates, g);
      t->gates[g].name = g_strdup (t->gates[g].name);
      for (int r = 0; r < 2; r++)
        if (t->gates[g].rate[r].func)
          nrt_rate_func_ref (t->gates[g].rate[r].func);
      t->state_names[g] = g_strdup (t->gates[g].name);
    }
  t->n_schemes = ch->schemes->len;
  t->schemes = g_new0 (NrtNetScheme, t->n_schemes + 1);
  offset = t->n_gates;
  for (guint i = 0; i < t->n_schemes; i++)
    {
      const NrtKsScheme *ks = g_ptr_array_index (ch->schemes, i);
      compile_scheme (t, &t->schemes[i], ks, settings, offset);
      offset += t->schemes[i].n_states;
      *max_scheme_states = MAX (*max_scheme_states, t->schemes[i].n_states);
    }
  g_assert (offset == t->n_states);
}

/* The channel library and the density instances, in the same section order as hh and pas;
 * room for the point channels, which compile_point_channels fills once the point processes
 * have their nodes. */
static void
compile_channels (NrtNetwork *net, const NrtModelData *md, const guint *order)
{
  guint nsec = md->sections->len, n_point = 0;

  net->n_chan_types = md->channels->len;
  net->chan_types = g_new0 (NrtNetChannel, net->n_chan_types + 1);
  for (guint c = 0; c < net->n_chan_types; c++)
    compile_channel_type (&net->chan_types[c], g_ptr_array_index (md->channels, c),
                          &net->settings, &net->max_scheme_states);
  for (guint i = 0; i < nsec; i++)
    {
      const NrtSection *s = g_ptr_array_index (md->sections, i);
      net->n_chan_density += net->sections[i].nseg * s->channels->len;
    }
  for (guint i = 0; i < md->point_processes->len; i++)
    if (((NrtPointProcess *) g_ptr_array_index (md->point_processes, i))->type == NRT_PP_CHANNEL)
      n_point++;
  net->n_chan = net->n_chan_density + n_point;
  net->chan_node = g_new (int, net->n_chan + 1);
  net->chan_type = g_new (int, net->n_chan + 1);
  net->chan_state0 = g_new (guint, net->n_chan + 1);
  net->chan_gmax = g_new (double, net->n_chan + 1);
  net->chan_e = g_new (double, net->n_chan + 1);
  net->chan_mfact = g_new (double, net->n_chan + 1);
  net->chan_pp = g_new (int, net->n_chan + 1);
  net->chan_nsingle = g_new0 (int, net->n_chan + 1);
  guint k = 0;
  for (guint o = 0; o < nsec; o++)
    {
      guint is = order[o];
      const NrtSection *s = g_ptr_array_index (md->sections, is);
      NrtNetSection *ns = &net->sections[is];
      ns->n_chan = s->channels->len;
      if (ns->n_chan == 0)
        continue;
      ns->chan = (int) k;
      for (guint j = 0; j < ns->nseg; j++)
        for (guint c = 0; c < ns->n_chan; c++, k++)
          {
            const NrtChannelInstance *inst = &g_array_index (s->channels, NrtChannelInstance, c);
            const NrtNetChannel *t = &net->chan_types[inst->channel];
            net->chan_node[k] = ns->node[j];
            net->chan_type[k] = inst->channel;
            net->chan_state0[k] = net->n_chan_states;
            net->chan_gmax[k] = inst->gmax;
            net->chan_e[k] = t->ion == NRT_ION_NONSPECIFIC ? inst->e : s->e_ion[t->ion];
            net->chan_mfact[k] = 1.0;
            net->chan_pp[k] = -1;
            net->n_chan_states += t->n_states;
          }
    }
  g_assert (k == net->n_chan_density);
}

/* Point channels (KSChan(1)): one instance per NRT_PP_CHANNEL at its point process's node,
 * gmax in µS, the current converted to density with the point process's 1e2/area. */
static void
compile_point_channels (NrtNetwork *net, const NrtModelData *md)
{
  guint k = net->n_chan_density;

  for (guint p = 0; p < net->n_pp; p++)
    {
      const NrtPointProcess *pp = g_ptr_array_index (md->point_processes, p);
      if (pp->type != NRT_PP_CHANNEL)
        continue;
      const NrtNetChannel *t = &net->chan_types[pp->channel];
      const NrtSection *s = g_ptr_array_index (md->sections, pp->section);
      net->chan_node[k] = net->pp_node[p];
      net->chan_type[k] = pp->channel;
      net->chan_state0[k] = net->n_chan_states;
      net->chan_gmax[k] = pp->p[NRT_PCHAN_GMAX];
      net->chan_e[k] = t->ion == NRT_ION_NONSPECIFIC ? pp->p[NRT_PCHAN_E] : s->e_ion[t->ion];
      net->chan_mfact[k] = net->pp_mfact[p];
      net->chan_pp[k] = (int) p;
      /* KSChan::init: nsingle = int(Nsingle + .5); stochastic when ≥ 1. */
      net->chan_nsingle[k] = t->single ? (int) (pp->p[NRT_PCHAN_NSINGLE] + .5) : 0;
      net->n_chan_states += t->n_states;
      k++;
    }
  g_assert (k == net->n_chan);
}

NrtNetwork *
nrt_network_compile (NrtModel *model, GError **error)
{
  g_return_val_if_fail (NRT_IS_MODEL (model), NULL);

  const NrtModelData *md = nrt_model_get_data (model);
  guint nsec = md->sections->len;
  if (nsec == 0)
    {
      g_set_error (error, NRT_SIM_ERROR, NRT_SIM_ERROR_EMPTY_MODEL,
                   "The model has no sections to simulate");
      return NULL;
    }

  g_autoptr (NrtNetwork) net = g_new0 (NrtNetwork, 1);
  net->settings = md->settings;
  net->n_sections = nsec;
  net->sections = g_new0 (NrtNetSection, nsec);

  /* Section order: roots in model order, then breadth first, children in model order.
   * Every parent precedes its children, which is all the Hines elimination needs. */
  g_autofree guint *order = g_new (guint, nsec);
  guint n_order = 0, n_roots = 0, n_nodes = 0, n_seg = 0;
  for (guint i = 0; i < nsec; i++)
    {
      const NrtSection *s = g_ptr_array_index (md->sections, i);
      if (s->parent < 0)
        {
          order[n_order++] = i;
          n_roots++;
        }
      net->sections[i].name = g_strdup (s->name);
      net->sections[i].nseg = (guint) MAX (s->nseg, 1);
      net->sections[i].hh = net->sections[i].pas = net->sections[i].chan = -1;
      net->sections[i].parent = s->parent;
      net->sections[i].parent_x = s->parent_x;
      net->sections[i].L = s->L;
      n_seg += net->sections[i].nseg;
    }
  for (guint k = 0; k < n_order; k++)
    for (guint i = 0; i < nsec; i++)
      {
        const NrtSection *s = g_ptr_array_index (md->sections, i);
        if (s->parent == (int) order[k])
          order[n_order++] = i;
      }
  g_assert (n_order == nsec);   /* the model rejects cycles */

  n_nodes = n_roots + n_seg + nsec;
  net->n_nodes = n_nodes;
  net->n_roots = n_roots;
  net->n_segments = n_seg;
  net->parent = g_new (int, n_nodes);
  net->a = g_new0 (double, n_nodes);
  net->b = g_new0 (double, n_nodes);
  net->area = g_new (double, n_nodes);
  net->ri = g_new0 (double, n_nodes);
  net->cm = g_new0 (double, n_nodes);
  g_autofree double *rinv = g_new0 (double, n_nodes);

  /* Root nodes: zero area (1e2), no parent. */
  for (guint k = 0; k < n_roots; k++)
    {
      net->parent[k] = -1;
      net->area[k] = 1.e2;
      net->sections[order[k]].node0 = (int) k;
    }
  guint next = n_roots;
  for (guint k = 0; k < nsec; k++)
    {
      guint is = order[k];
      const NrtSection *s = g_ptr_array_index (md->sections, is);
      NrtNetSection *ns = &net->sections[is];

      if (s->parent >= 0)
        ns->node0 = nrt_network_node_at (net, (guint) s->parent, s->parent_x);
      ns->node = g_new (int, ns->nseg + 1);
      for (guint j = 0; j <= ns->nseg; j++)
        ns->node[j] = (int) (next + j);
      section_area_ri (s, ns->nseg, &net->area[next], &rinv[next]);
      for (guint j = 0; j <= ns->nseg; j++)
        {
          net->parent[next + j] = j == 0 ? ns->node0 : (int) (next + j - 1);
          net->cm[next + j] = j < ns->nseg ? s->cm : 0.0;
        }
      next += ns->nseg + 1;
    }
  g_assert (next == n_nodes);

  /* connection_coef(): a = -1e2*rinv/area(parent), b = -1e2*rinv/area(node) (rall_branch 1). */
  for (guint i = n_roots; i < n_nodes; i++)
    {
      net->a[i] = -1.e2 * 1.0 * rinv[i] / net->area[net->parent[i]];
      net->b[i] = -1.e2 * rinv[i] / net->area[i];
      net->ri[i] = 1. / rinv[i];
    }

  /* Density mechanisms, instances in node order. */
  const NrtMechanismInfo *hhi = nrt_mechanism_info (NRT_MECH_HH);
  const NrtMechanismInfo *pasi = nrt_mechanism_info (NRT_MECH_PAS);
  for (guint i = 0; i < nsec; i++)
    {
      const NrtSection *s = g_ptr_array_index (md->sections, i);
      if (s->mech[NRT_MECH_HH].inserted)
        net->n_hh += net->sections[i].nseg;
      if (s->mech[NRT_MECH_PAS].inserted)
        net->n_pas += net->sections[i].nseg;
    }
  net->hh_node = g_new (int, net->n_hh + 1);
  net->hh_gnabar = g_new (double, net->n_hh + 1);
  net->hh_gkbar = g_new (double, net->n_hh + 1);
  net->hh_gl = g_new (double, net->n_hh + 1);
  net->hh_el = g_new (double, net->n_hh + 1);
  net->hh_ena = g_new (double, net->n_hh + 1);
  net->hh_ek = g_new (double, net->n_hh + 1);
  net->pas_node = g_new (int, net->n_pas + 1);
  net->pas_g = g_new (double, net->n_pas + 1);
  net->pas_e = g_new (double, net->n_pas + 1);
  guint ihh = 0, ipas = 0;
  for (guint k = 0; k < nsec; k++)
    {
      guint is = order[k];
      const NrtSection *s = g_ptr_array_index (md->sections, is);
      NrtNetSection *ns = &net->sections[is];
      if (s->mech[NRT_MECH_HH].inserted)
        {
          const double *p = s->mech[NRT_MECH_HH].p;
          ns->hh = (int) ihh;
          for (guint j = 0; j < ns->nseg; j++, ihh++)
            {
              net->hh_node[ihh] = ns->node[j];
              net->hh_gnabar[ihh] = param (hhi, p, "gnabar_hh");
              net->hh_gkbar[ihh] = param (hhi, p, "gkbar_hh");
              net->hh_gl[ihh] = param (hhi, p, "gl_hh");
              net->hh_el[ihh] = param (hhi, p, "el_hh");
              net->hh_ena[ihh] = param (hhi, p, "ena");
              net->hh_ek[ihh] = param (hhi, p, "ek");
            }
        }
      if (s->mech[NRT_MECH_PAS].inserted)
        {
          const double *p = s->mech[NRT_MECH_PAS].p;
          ns->pas = (int) ipas;
          for (guint j = 0; j < ns->nseg; j++, ipas++)
            {
              net->pas_node[ipas] = ns->node[j];
              net->pas_g[ipas] = param (pasi, p, "g_pas");
              net->pas_e[ipas] = param (pasi, p, "e_pas");
            }
        }
    }

  compile_channels (net, md, order);

  /* Point processes. */
  guint npp = md->point_processes->len;
  net->n_pp = npp;
  net->pp_type = g_new (NrtPointProcessType, npp + 1);
  net->pp_node = g_new (int, npp + 1);
  net->pp_mfact = g_new (double, npp + 1);
  net->pp_param = g_malloc0_n (npp + 1, sizeof *net->pp_param);
  net->pp_name = g_new0 (char *, npp + 1);
  for (int t = 0; t < NRT_N_PP; t++)
    net->pp_of[t] = g_new (guint, npp + 1);
  for (guint i = 0; i < npp; i++)
    {
      const NrtPointProcess *pp = g_ptr_array_index (md->point_processes, i);
      net->pp_type[i] = pp->type;
      net->pp_node[i] = nrt_network_node_at (net, (guint) pp->section, pp->x);
      net->pp_mfact[i] = 1.e2 / net->area[net->pp_node[i]];
      memcpy (net->pp_param[i], pp->p, sizeof pp->p);
      net->pp_name[i] = nrt_model_point_process_name (model, i);
      net->pp_of[pp->type][net->n_pp_of[pp->type]++] = i;
    }
  compile_point_channels (net, md);

  net->n_netstims = md->netstims->len;
  net->netstims = g_new0 (NrtNetStim, net->n_netstims + 1);
  if (net->n_netstims > 0)
    memcpy (net->netstims, md->netstims->data, sizeof (NrtNetStim) * net->n_netstims);
  net->n_netcons = md->netcons->len;
  net->netcons = g_new0 (NrtNetCon, net->n_netcons + 1);
  if (net->n_netcons > 0)
    memcpy (net->netcons, md->netcons->data, sizeof (NrtNetCon) * net->n_netcons);

  renumber_by_depth (net);
  /* node → (section, k), after the renumbering.  Roots' 0 ends first, so that a node shared
   * with a parent keeps the parent's location. */
  net->node_section = g_new (int, n_nodes);
  net->node_k = g_new0 (guint, n_nodes);
  for (guint i = 0; i < n_nodes; i++)
    net->node_section[i] = -1;
  for (guint k = 0; k < nsec; k++)
    {
      guint is = order[k];
      const NrtNetSection *ns = &net->sections[is];
      if (net->node_section[ns->node0] < 0)
        {
          net->node_section[ns->node0] = (int) is;
          net->node_k[ns->node0] = 0;
        }
      for (guint j = 0; j <= ns->nseg; j++)
        {
          net->node_section[ns->node[j]] = (int) is;
          net->node_k[ns->node[j]] = j + 1;
        }
    }
  nrt_hh_table_build (net->hh_table, net->settings.celsius, &net->hh_q10);
  return g_steal_pointer (&net);
}

void
nrt_network_free (NrtNetwork *net)
{
  if (net == NULL)
    return;
  for (guint i = 0; i < net->n_sections; i++)
    {
      g_free (net->sections[i].name);
      g_free (net->sections[i].node);
    }
  g_free (net->sections);
  g_free (net->parent);
  g_free (net->a);
  g_free (net->b);
  g_free (net->area);
  g_free (net->ri);
  g_free (net->cm);
  g_free (net->node_section);
  g_free (net->node_k);
  g_free (net->hh_node);
  g_free (net->hh_gnabar);
  g_free (net->hh_gkbar);
  g_free (net->hh_gl);
  g_free (net->hh_el);
  g_free (net->hh_ena);
  g_free (net->hh_ek);
  g_free (net->pas_node);
  g_free (net->pas_g);
  g_free (net->pas_e);
  for (guint c = 0; c < net->n_chan_types; c++)
    {
      NrtNetChannel *t = &net->chan_types[c];
      g_free (t->name);
      for (guint g = 0; g < t->n_gates; g++)
        {
          g_free (t->gates[g].name);
          nrt_rate_func_unref (t->gates[g].rate[0].func);
          nrt_rate_func_unref (t->gates[g].rate[1].func);
        }
      g_free (t->gates);
      for (guint i = 0; i < t->n_schemes; i++)
        {
          for (guint j = 0; j < t->schemes[i].n_trans; j++)
            {
              nrt_rate_func_unref (t->schemes[i].trans[j].t.rate[0].func);
              nrt_rate_func_unref (t->schemes[i].trans[j].t.rate[1].func);
            }
          g_free (t->schemes[i].fraction);
          g_free (t->schemes[i].trans);
        }
      g_free (t->schemes);
      g_strfreev (t->state_names);
    }
  g_free (net->chan_types);
  g_free (net->chan_node);
  g_free (net->chan_type);
  g_free (net->chan_state0);
  g_free (net->chan_gmax);
  g_free (net->chan_e);
  g_free (net->chan_mfact);
  g_free (net->chan_pp);
  g_free (net->chan_nsingle);
  for (guint i = 0; i < net->n_pp; i++)
    g_free (net->pp_name[i]);
  g_free (net->pp_name);
  g_free (net->pp_type);
  g_free (net->pp_node);
  g_free (net->pp_mfact);
  g_free (net->pp_param);
  for (int t = 0; t < NRT_N_PP; t++)
    g_free (net->pp_of[t]);
  g_free (net->netstims);
  g_free (net->netcons);
  g_free (net);
}

guint
nrt_network_get_n_nodes (const NrtNetwork *net)
{
  g_return_val_if_fail (net != NULL, 0);
  return net->n_nodes;
}

guint
nrt_network_get_n_segments (const NrtNetwork *net)
{
  g_return_val_if_fail (net != NULL, 0);
  return net->n_segments;
}

gboolean
nrt_network_segment_geometry (const NrtNetwork *net, guint isec, guint iseg, double *area,
                              double *ri)
{
  g_return_val_if_fail (net != NULL, FALSE);
  if (isec >= net->n_sections || iseg >= net->sections[isec].nseg)
    return FALSE;
  int node = net->sections[isec].node[iseg];
  if (area)
    *area = net->area[node];
  if (ri)
    *ri = net->ri[node];
  return TRUE;
}

const NrtRunSettings *
nrt_network_get_settings (const NrtNetwork *net)
{
  g_return_val_if_fail (net != NULL, NULL);
  return &net->settings;
}

int
nrt_network_get_node (const NrtNetwork *net, const char *section, double x)
{
  g_return_val_if_fail (net != NULL && section != NULL, -1);
  int is = nrt_network_find_section (net, section);
  if (is < 0 || !(x >= 0.0 && x <= 1.0))
    return -1;
  return nrt_network_node_at (net, (guint) is, x);
}

gboolean
nrt_network_node_location (const NrtNetwork *net, guint node, guint *section, double *x)
{
  g_return_val_if_fail (net != NULL, FALSE);
  if (node >= net->n_nodes || net->node_section[node] < 0)
    return FALSE;
  guint is = (guint) net->node_section[node], k = net->node_k[node];
  guint nseg = net->sections[is].nseg;
  if (section)
    *section = is;
  if (x)
    *x = k == 0 ? 0.0 : k > nseg ? 1.0 : ((double) (k - 1) + 0.5) / (double) nseg;
  return TRUE;
}

guint
nrt_network_get_n_sections (const NrtNetwork *net)
{
  g_return_val_if_fail (net != NULL, 0);
  return net->n_sections;
}
