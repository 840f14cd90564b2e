/**
 * Background removal in the browser (the twin of src/privpix/tools/remove_bg/, module for module where
 * the browser splits the work the same way). Imported by the remove-bg worker only: onnxruntime and
 * the model are loaded on first use, never with the page.
 */

export { DEFAULT_MODEL, MODELS, modelInfo, modelManifestUrl, modelUrl, type ModelInfo, type ModelInput } from './catalog';
export { PARAMS, cutOut, fit, guideSize, prepare, coefficients, type Infer, type Params, type Wanted } from './pipeline';
export { MODEL_CACHE, MODEL_PATH, ModelIntegrityError, NotOfferedError, download, isStored, prune, readStored, type StoredFile } from './store';
export {
  backgroundKind,
  blurredBackground,
  cutOutPhoto,
  finishCutout,
  removeBg,
  type BgFormat,
  type Cutout,
  type RemoveBgOptions,
  type RemoveBgResult,
  type Stages,
} from './tool';
