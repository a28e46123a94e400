/**
 * @module deliberate-align/testing
 * Test doubles for users' own tests: a scripted ChatModel that answers from a list or a function and records calls.
 */
export { type ScriptedModel, type ScriptedReply, type ScriptedResponder, scriptedModel } from './scripted-model.js';
