export { saveModel, loadModel } from './model-file.js';
export { fileSystemHandler, MODEL_JSON_FILE, WEIGHTS_FILE } from './file-system-handler.js';
export { writeFileAtomic } from './atomic-write.js';
