// Public API of the training module (re-exported by lib/index.ts).
export { TrainingPipeline, TrainingPipelineProps, ToolImages, DEFAULT_TOOL_IMAGES } from './pipeline';
export {
  Checkpointing, CheckpointingOptions, PvcCheckpointingOptions, RetrainTrigger, NewObjectsTriggerOptions, ScheduleTriggerOptions,
  Gate, StageKinds, StageOptions, TrainStageOptions, TrainingStage, TrainingCostProfile, StageCostProfile,
} from './vocabulary';
export { TrainingQueue, TrainingQueueProps, QueueQuota } from './queue';
export { SageMakerTarget, SageMakerTargetProps } from './sagemaker-target';
