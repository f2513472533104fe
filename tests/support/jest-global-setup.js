module.exports = require('./jest-temp.js').setup;
