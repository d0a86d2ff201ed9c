/* nrt-neuroml-folder.h: a model as a folder of NeuroML files and a LEMS simulation, laid out as
 * pyNeuroML lays them out (neuroml.md §1, §11).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include "nrt-model.h"

G_BEGIN_DECLS

/* Writes into dir (created if needed; existing files of the same names are replaced, each
 * atomically):
 *   CHANNEL.channel.nml  one per ion channel (hh as hh_na, hh_k, hh_leak; pas; every
 *                        ChannelBuilder channel), with the custom LEMS ComponentTypes it uses;
 *   NAME.cell.nml        the cell with its Neurite annotation, including the channel files;
 *   NAME.net.nml         the stimuli (pulseGenerators), synapses and the network with one
 *                        population of the cell, including the cell file;
 *   LEMS_NAME.xml        Simulation of length tstop and step dt, a Display per Graph window of
 *                        the model's view_state (voltages only; soma v when there is none) and
 *                        an OutputFile of the same quantities; includes all the .nml files.
 * name NULL means the model's name.  Reading NAME.net.nml or LEMS_NAME.xml back with
 * nrt_neuroml_read_file() gives the same model. */
gboolean nrt_neuroml_write_folder (NrtModel *model, const char *dir, const char *name,
                                   GError **error);

/* (transfer full) The path of the LEMS file nrt_neuroml_write_folder() writes. */
char    *nrt_neuroml_folder_lems_path (const char *dir, const char *name);

G_END_DECLS
