module.exports = require('./jest-temp.js').teardown;
