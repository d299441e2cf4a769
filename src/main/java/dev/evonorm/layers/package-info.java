/**
 * Normalization-activation layers for DJL: the published EvoNorms written by hand
 * ({@link dev.evonorm.layers.EvoNormB}, {@link dev.evonorm.layers.EvoNormS}), any layer graph of the
 * search space ({@link dev.evonorm.layers.GraphBlock}), the baselines
 * ({@link dev.evonorm.layers.GroupNormBlock}, {@link dev.evonorm.layers.FrnTlu}, DJL's BatchNorm),
 * and one factory by name ({@link dev.evonorm.layers.Layers}, listed by
 * {@link dev.evonorm.layers.LayerCatalog}).
 *
 * <pre>{@code
 * NormActFactory norm = Layers.factory("evonorm-s0", LayerOptions.defaults().withGroups(GroupSpec.upTo(16)));
 * Block block = norm.create(64, NormPosition.NORM_ACT);     // after a 64-channel convolution
 * Block graph = Layers.factory("graph:layer.json").create(64, NormPosition.NORM_ACT);
 * }</pre>
 *
 * <p>Conventions every block here follows:
 * <ul>
 *   <li>NCHW float32 in and out, same shape; per-channel parameters of length C;
 *   <li>temporaries attach to the input's manager (close it, or a sub-manager, after each step);
 *       parameter views are moved there too, so nothing accumulates in the model's manager;
 *   <li>running statistics are non-trainable parameters (saved with the block), updated in place
 *       with detached values in training mode and used in inference mode;
 *   <li>NaN and Inf never throw: they reach the output for a screen to see.
 * </ul>
 */
package dev.evonorm.layers;
