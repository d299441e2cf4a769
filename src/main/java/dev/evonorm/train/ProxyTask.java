package dev.evonorm.train;

import dev.evonorm.data.DataConfig;
import dev.evonorm.data.DataException;
import dev.evonorm.data.DataSplits;
import dev.evonorm.data.DatasetLoader;
import dev.evonorm.models.ArchConfig;

/**
 * Everything a proxy training needs besides the layer and the architecture: the data (loaded once,
 * in memory), the network's input/width settings derived from it, and the training schedule.
 */
public record ProxyTask(DataSplits data, ArchConfig archConfig, TrainConfig training) {

    public static ProxyTask load(DataConfig dataConfig, TrainConfig training, double widthMultiplier,
                                 double depthMultiplier) {
        DataSplits data = DatasetLoader.system().load(dataConfig);
        return of(data, training, widthMultiplier, depthMultiplier);
    }

    public static ProxyTask of(DataSplits data, TrainConfig training, double widthMultiplier, double depthMultiplier) {
        int side = data.train().height();
        if (side < ArchConfig.MIN_INPUT_SIZE) {
            throw new DataException("the images are " + side + "x" + side + "; the proxy networks"
                    + " need at least " + ArchConfig.MIN_INPUT_SIZE + "x" + ArchConfig.MIN_INPUT_SIZE + ": pass --resize "
                    + ArchConfig.MIN_INPUT_SIZE + " (or larger)");
        }
        ArchConfig arch = new ArchConfig(data.train().channels(), data.train().height(), data.train().classes(),
                widthMultiplier, depthMultiplier);
        return new ProxyTask(data, arch, training);
    }

    public ProxyTask withTraining(TrainConfig t) {
        return new ProxyTask(data, archConfig, t);
    }
}
